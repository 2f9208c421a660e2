"""Name pools for Latin-script locales, most common first (the order sets the Zipf weights).

Written for casewatch's generator: common given names and surnames recur on
purpose (that is what makes screening hard), and the long tails give a
million subjects enough variety not to be mostly duplicates.
"""

from __future__ import annotations

ENGLISH = {
    "male": """James John Robert Michael William David Richard Joseph Thomas Charles
        Christopher Daniel Matthew Anthony Mark Donald Steven Paul Andrew Joshua Kenneth
        Kevin Brian George Timothy Ronald Edward Jason Jeffrey Ryan Jacob Gary Nicholas Eric
        Jonathan Stephen Larry Justin Scott Brandon Benjamin Samuel Gregory Alexander Frank
        Patrick Raymond Jack Dennis Jerry Tyler Aaron Jose Adam Nathan Henry Douglas Zachary
        Peter Kyle Noah Ethan Jeremy Walter Christian Keith Roger Terry Austin Sean Gerald Carl
        Harold Dylan Arthur Lawrence Jordan Jesse Bryan Billy Bruce Gabriel Joe Logan Alan
        Juan Albert Willie Elijah Wayne Randy Vincent Mason Roy Ralph Bobby Russell Bradley
        Philip Eugene Oliver Harry Callum Liam Connor Declan Rhys Owen Gareth Alistair Hamish
        Nigel Graham Neil Colin Ian Trevor Malcolm Stuart Clive Barry Derek Leslie Duncan""",
    "female": """Mary Patricia Jennifer Linda Elizabeth Barbara Susan Jessica Sarah Karen
        Lisa Nancy Betty Sandra Margaret Ashley Kimberly Emily Donna Michelle Carol Amanda
        Melissa Deborah Stephanie Dorothy Rebecca Sharon Laura Cynthia Amy Kathleen Angela
        Shirley Brenda Emma Anna Pamela Nicole Samantha Katherine Christine Helen Debra Rachel
        Carolyn Janet Maria Catherine Heather Diane Olivia Julie Joyce Victoria Ruth Virginia
        Lauren Kelly Christina Joan Evelyn Judith Andrea Hannah Megan Cheryl Jacqueline Martha
        Madison Teresa Gloria Sara Janice Ann Kathryn Abigail Sophia Frances Jean Alice Judy
        Isabella Julia Grace Amber Denise Danielle Marilyn Beverly Charlotte Natalie Theresa
        Diana Brittany Doris Kayla Alexis Lori Marie Siobhan Fiona Gemma Kirsty Bethany Niamh""",
    "family": """Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Thomas
        Moore Martin Jackson Thompson White Harris Clark Lewis Robinson Walker Young Allen King
        Wright Scott Hill Green Adams Baker Nelson Carter Mitchell Roberts Turner Phillips
        Campbell Parker Evans Edwards Collins Stewart Morris Murphy Cook Rogers Morgan Cooper
        Peterson Bailey Reed Kelly Howard Cox Ward Richardson Watson Brooks Wood James Bennett
        Gray Hughes Price Sanders Myers Long Ross Foster Powell Jenkins Perry Russell Sullivan
        Bell Coleman Butler Henderson Barnes Fisher Henry Graham Jordan Reynolds Hamilton Ford
        Wallace Gibson Ellis Harrison Marshall Owens Kennedy Wells Webb Simpson Stevens Tucker
        Porter Hunter Hicks Crawford Boyd Mason Warren Dixon Burns Gordon Shaw Holmes Rice
        Robertson Hunt Black Daniels Palmer Mills Grant Knight Ferguson Stone Hawkins Dunn
        Perkins Hudson Spencer Stephens Pierce Hansen Wagner Armstrong Lane Riley Carpenter
        Weaver Greene Lawrence Elliott Chapman Fletcher Fitzgerald Gallagher Doherty Quinn
        MacDonald McKenzie Fraser Sinclair Whitfield Ashworth Pemberton Blackwood Harrington
        Thornton Whitaker Hargreaves Lockwood Radcliffe Winterbottom Featherstone Oakley""",
}

SPANISH = {
    "male": """Jose Juan Antonio Manuel Francisco Luis Javier Carlos Miguel Jesus Pedro
        Alejandro Rafael Fernando Pablo Jorge Angel Sergio Alberto Ramon Enrique Diego Andres
        Raul Ricardo Eduardo Roberto Mario Victor Joaquin Oscar Hector Gabriel Guillermo Ignacio
        Alfonso Rodrigo Emilio Salvador Julio Adrian Ruben Marcos Santiago Gonzalo Esteban
        Felipe Hugo Ivan Agustin Mariano Nicolas Tomas Cristian Ernesto Lorenzo Benito Gilberto
        Arturo Armando Gustavo Rolando Reinaldo Nestor Osvaldo Leonel Efrain Horacio Ulises""",
    "female": """Maria Carmen Ana Isabel Dolores Pilar Teresa Rosa Josefa Cristina Lucia
        Laura Marta Elena Mercedes Antonia Francisca Paula Sara Raquel Manuela Rocio Beatriz
        Patricia Silvia Julia Alicia Irene Andrea Monica Veronica Gabriela Daniela Valentina
        Camila Sofia Natalia Adriana Claudia Lorena Guadalupe Esperanza Consuelo Ximena Paola
        Yolanda Graciela Marisol Inmaculada Montserrat Nuria Alejandra Victoria Leticia Susana""",
    "family": """Garcia Rodriguez Gonzalez Fernandez Lopez Martinez Sanchez Perez Gomez Martin
        Jimenez Ruiz Hernandez Diaz Moreno Alvarez Munoz Romero Alonso Gutierrez Navarro Torres
        Dominguez Vazquez Ramos Gil Ramirez Serrano Blanco Suarez Molina Morales Ortega Delgado
        Castro Ortiz Rubio Marin Sanz Iglesias Nunez Medina Garrido Cortes Castillo Santos
        Lozano Guerrero Cano Prieto Mendez Cruz Calvo Gallego Vidal Leon Marquez Herrera Pena
        Flores Cabrera Campos Vega Fuentes Carrasco Diez Caballero Reyes Nieto Aguilar Pascual
        Santana Herrero Lorenzo Montero Hidalgo Gimenez Ibanez Ferrer Duran Santiago Benitez
        Mora Vicente Arias Vargas Carmona Crespo Roman Pastor Soto Saez Velasco Moya Soler
        Parra Esteban Bravo Gallardo Rojas Pardo Merino Franco Espinosa Izquierdo Lara Rivas
        Silva Rivera Casado Arroyo Redondo Camacho Rey Vera Otero Luque Galan Montes Rios
        Sierra Segura Carrillo Marcos Marti Soriano Mendoza Echeverria Villanueva Zambrano
        Quintero Bustamante Valenzuela Escobar Cardenas Salazar Ochoa Zamora Figueroa""",
}

GERMAN = {
    "male": """Peter Michael Thomas Andreas Wolfgang Klaus Juergen Stefan Christian Uwe
        Werner Frank Hans Bernd Markus Matthias Joachim Helmut Ralf Dieter Sven Heinz Martin
        Gerhard Horst Manfred Rainer Lukas Jan Dirk Tobias Florian Alexander Sebastian Daniel
        Jens Guenter Karl Holger Torsten Oliver Jochen Norbert Volker Hartmut Reinhard Erich
        Maximilian Felix Jonas Leon Paul Niklas Moritz Johannes Friedrich Ludwig Ulrich Dietmar""",
    "female": """Ursula Monika Petra Elisabeth Sabine Renate Helga Karin Brigitte Ingrid
        Erika Andrea Gisela Claudia Susanne Gabriele Christa Christine Birgit Stefanie Heike
        Anja Nicole Katrin Martina Silke Kerstin Julia Anna Lena Laura Lea Hannah Sophie Marie
        Johanna Greta Franziska Annette Doris Ilse Gudrun Hildegard Waltraud Irmgard Sieglinde""",
    "family": """Mueller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann
        Schaefer Koch Bauer Richter Klein Wolf Schroeder Neumann Schwarz Zimmermann Braun
        Krueger Hofmann Hartmann Lange Schmitt Werner Schmitz Krause Meier Lehmann Schmid
        Schulze Maier Koehler Herrmann Koenig Walter Mayer Huber Kaiser Fuchs Peters Lang
        Scholz Moeller Weiss Jung Hahn Schubert Vogel Friedrich Keller Guenther Frank Berger
        Winkler Roth Beck Lorenz Baumann Franke Albrecht Schuster Simon Ludwig Boehm Winter
        Kraus Martin Schumacher Kraemer Vogt Stein Jaeger Otto Sommer Gross Seidel Heinrich
        Brandt Haas Schreiber Graf Schulte Dietrich Ziegler Kuhn Kuehn Pohl Engel Horn Busch
        Bergmann Thomas Voigt Sauer Arnold Wolff Pfeiffer Eichhorn Oberhauser Rosenthal
        Falkenberg Lindemann Steinbach Hohenstein Wittkowski Brenninkmeyer Achterberg""",
}

FRENCH = {
    "male": """Jean Pierre Michel Philippe Alain Nicolas Christophe Patrick Daniel Bernard
        Eric Laurent Frederic Stephane David Olivier Pascal Thierry Sebastien Julien Francois
        Jacques Thomas Guillaume Antoine Maxime Alexandre Vincent Romain Mathieu Didier Yves
        Gerard Andre Rene Claude Louis Paul Henri Marc Benoit Arnaud Cedric Fabrice Hugo Lucas
        Theo Mathis Clement Baptiste Etienne Gilles Herve Lionel Regis Sylvain Xavier Yann""",
    "female": """Marie Nathalie Isabelle Sylvie Catherine Martine Christine Francoise Valerie
        Sandrine Stephanie Veronique Sophie Celine Chantal Nicole Patricia Monique Aurelie
        Camille Julie Emilie Caroline Helene Claire Manon Lea Chloe Ines Jade Louise Margaux
        Pauline Mathilde Juliette Elodie Laetitia Virginie Delphine Agnes Brigitte Genevieve
        Josiane Odile Solange Beatrice Danielle Jacqueline Simone Yvette Colette Madeleine""",
    "family": """Martin Bernard Thomas Petit Robert Richard Durand Dubois Moreau Laurent
        Simon Michel Lefebvre Leroy Roux David Bertrand Morel Fournier Girard Bonnet Dupont
        Lambert Fontaine Rousseau Vincent Muller Lefevre Faure Andre Mercier Blanc Guerin
        Boyer Garnier Chevalier Francois Legrand Gauthier Garcia Perrin Robin Clement Morin
        Nicolas Henry Roussel Mathieu Gautier Masson Marchand Duval Denis Dumont Marie Lemaire
        Noel Meyer Dufour Meunier Brun Blanchard Giraud Joly Riviere Lucas Brunet Gaillard
        Barbier Arnaud Martinez Gerard Roche Renard Schmitt Roy Leroux Colin Vidal Caron
        Picard Roger Fabre Aubert Lemoine Renaud Dumas Lacroix Olivier Philippe Bourgeois
        Pierre Benoit Rey Leclerc Payet Rolland Leclercq Guillaume Lecomte Lopez Jean Dupuy
        Guillot Hubert Berger Carpentier Sanchez Dupuis Moulin Louis Deschamps Huet Vasseur
        Perez Boucher Fleury Royer Klein Jacquet Adam Paris Poirier Marty Aubry Guyot Carre
        Charles Renault Charpentier Menard Maillard Baron Bertin Bailly Herve Schneider
        Delacroix Beaumont Montclair Villeneuve Desrosiers Beauchamp Delaunay Lefort""",
}

TURKISH = {
    "male": """Mehmet Mustafa Ahmet Ali Huseyin Hasan Ibrahim Ismail Osman Yusuf Murat Omer
        Ramazan Halil Suleyman Abdullah Mahmut Recep Salih Fatih Kadir Emre Hakan Adem Kemal
        Yasar Bekir Musa Metin Serkan Orhan Burak Ugur Yakup Bayram Cengiz Ercan Erkan Volkan
        Gokhan Tuncay Levent Selim Serdar Tolga Onur Cem Caner Eren Baris Kerem Arda Berk Emir
        Alper Umut Sinan Taner Bulent Turgut Nihat Erdal Sedat Zafer Yilmaz Cihan Oguz""",
    "female": """Fatma Ayse Emine Hatice Zeynep Elif Meryem Sultan Sevgi Hulya Yasemin Esra
        Ozlem Leyla Hacer Merve Zehra Gulsum Ebru Aysel Ozge Tugba Derya Burcu Songul Rabia
        Kubra Busra Seda Gamze Dilek Aylin Selin Ceren Ipek Damla Nurcan Filiz Serpil Sibel
        Nermin Gulten Sevim Belgin Pinar Tuba Duygu Cansu Ecem Asli Gizem Buse Irem""",
    "family": """Yilmaz Kaya Demir Sahin Celik Yildiz Yildirim Ozturk Aydin Ozdemir Arslan
        Dogan Kilic Aslan Cetin Kara Koc Kurt Ozkan Simsek Polat Ozcan Korkmaz Cakir Erdogan
        Yavuz Can Acar Sen Aktas Guler Yalcin Gunes Bozkurt Bulut Keskin Unal Turan Gul Ozer
        Isik Kaplan Avci Sari Tas Aksoy Kose Bayram Altun Tekin Cinar Akin Kocak Ates Durmaz
        Uysal Karakaya Coskun Aydogan Toprak Bilgin Eren Ozbek Karaca Tunc Kahraman Yuksel
        Tuncer Sonmez Akgul Ozkaya Ekinci Sevim Gunduz Karatas Oral Tatli Uzun Erdem Bicer
        Demirci Ozgur Gokce Kurtulus Akbulut Karadag Yazici Soylu Kocaman Cavusoglu""",
}

ITALIAN = {
    "male": """Giuseppe Giovanni Antonio Mario Luigi Francesco Angelo Vincenzo Pietro Salvatore
        Carlo Franco Domenico Bruno Paolo Michele Giorgio Giancarlo Sergio Luciano Marco Andrea
        Alessandro Stefano Roberto Fabio Massimo Davide Matteo Lorenzo Simone Federico Riccardo
        Enrico Claudio Alberto Emanuele Gianluca Nicola Raffaele Gennaro Ciro Cosimo Rocco""",
    "female": """Maria Anna Giuseppina Rosa Angela Giovanna Teresa Lucia Carmela Caterina
        Francesca Antonietta Carla Elena Concetta Rita Margherita Franca Paola Giulia Chiara
        Sara Martina Valentina Federica Alessandra Silvia Elisa Roberta Simona Laura Daniela
        Serena Ilaria Beatrice Alessia Aurora Ginevra Ludovica Vittoria""",
    "family": """Rossi Russo Ferrari Esposito Bianchi Romano Colombo Ricci Marino Greco Bruno
        Gallo Conti De_Luca Mancini Costa Giordano Rizzo Lombardi Moretti Barbieri Fontana
        Santoro Mariani Rinaldi Caruso Ferrara Galli Martini Leone Longo Gentile Martinelli
        Vitale Lombardo Serra Coppola De_Santis D'Angelo Marchetti Parisi Villa Conte Ferraro
        Ferri Fabbri Bianco Marini Grasso Valentini Messina Sala De_Angelis Gatti Pellegrini
        Palumbo Sanna Farina Rizzi Monti Cattaneo Morelli Amato Silvestri Mazza Testa Grassi
        Pellegrino Carbone Giuliani Benedetti Barone Rossetti Caputo Montanari Guerra Palmieri
        Bernardi Martino Fiore De_Rosa Ferretti Bellini Basile Riva Donati Piras Vitali
        Battaglia Sartori Neri Costantini Milani Pagano Ruggiero Sorrentino D'Amico Orlando""",
}

PORTUGUESE = {
    "male": """Joao Jose Antonio Francisco Carlos Paulo Pedro Lucas Luiz Marcos Luis Gabriel
        Rafael Daniel Marcelo Bruno Eduardo Felipe Raimundo Rodrigo Manoel Mateus Andre
        Fernando Fabio Leonardo Gustavo Guilherme Leandro Tiago Anderson Ricardo Marcio
        Jorge Sebastiao Alexandre Roberto Edson Diego Vitor Sergio Claudio Renato Rui Nuno""",
    "female": """Maria Ana Francisca Antonia Adriana Juliana Marcia Fernanda Patricia Aline
        Sandra Camila Amanda Bruna Jessica Leticia Julia Luciana Vanessa Mariana Gabriela
        Vera Vitoria Larissa Claudia Beatriz Rita Sonia Renata Eliane Joana Ines Catarina""",
    "family": """Silva Santos Oliveira Souza Rodrigues Ferreira Alves Pereira Lima Gomes
        Costa Ribeiro Martins Carvalho Almeida Lopes Soares Fernandes Vieira Barbosa Rocha
        Dias Nascimento Andrade Moreira Nunes Marques Machado Mendes Freitas Cardoso Ramos
        Goncalves Santana Teixeira Araujo Pinto Correia Moura Cavalcanti Monteiro Batista
        Campos Cunha Reis Guimaraes Azevedo Pires Tavares Magalhaes Sousa Coelho Medeiros
        Fonseca Brandao Figueiredo Vasconcelos Siqueira Queiroz Sampaio Bezerra Amaral""",
}

#: Locale name -> (pools, countries the locale's subjects are published with).
LATIN_LOCALES = {
    "en": (ENGLISH, ["gb", "us", "us", "us", "ca", "au", "ie", "nz"]),
    "es": (SPANISH, ["es", "mx", "co", "ve", "ar", "cu", "pe", "ni"]),
    "de": (GERMAN, ["de", "de", "at", "ch"]),
    "fr": (FRENCH, ["fr", "fr", "be", "ch", "ca", "lu"]),
    "tr": (TURKISH, ["tr"]),
    "it": (ITALIAN, ["it", "it", "ch", "sm"]),
    "pt": (PORTUGUESE, ["br", "br", "pt", "ao", "mz"]),
}

#: Pool tokens above are ASCII; these are their spellings with diacritics, per locale.
#: A list publishes a name either way (Müller or Mueller, Yılmaz or Yilmaz).
DIACRITICS = {
    "es": """Jose=José Jesus=Jesús Angel=Ángel Ramon=Ramón Andres=Andrés Raul=Raúl Ruben=Rubén
        Agustin=Agustín Nicolas=Nicolás Tomas=Tomás Efrain=Efraín Joaquin=Joaquín Hector=Héctor
        Victor=Víctor Oscar=Óscar Ivan=Iván Lucia=Lucía Rocio=Rocío Monica=Mónica
        Veronica=Verónica Sofia=Sofía Ines=Inés Garcia=García Rodriguez=Rodríguez
        Gonzalez=González Fernandez=Fernández Lopez=López Martinez=Martínez Sanchez=Sánchez
        Perez=Pérez Gomez=Gómez Martin=Martín Jimenez=Jiménez Hernandez=Hernández Diaz=Díaz
        Alvarez=Álvarez Munoz=Muñoz Gutierrez=Gutiérrez Dominguez=Domínguez Vazquez=Vázquez
        Ramirez=Ramírez Suarez=Suárez Nunez=Núñez Mendez=Méndez Marquez=Márquez Pena=Peña
        Ibanez=Ibáñez Gimenez=Giménez Duran=Durán Benitez=Benítez Saez=Sáez Galan=Galán
        Rios=Ríos Leon=León Marin=Marín Cortes=Cortés Cardenas=Cárdenas Echeverria=Echeverría
        Roman=Román Diez=Díez Marti=Martí""",
    "de": """Mueller=Müller Schaefer=Schäfer Schroeder=Schröder Krueger=Krüger Koehler=Köhler
        Koenig=König Moeller=Möller Weiss=Weiß Guenther=Günther Boehm=Böhm Kraemer=Krämer
        Jaeger=Jäger Gross=Groß Kuehn=Kühn Juergen=Jürgen Guenter=Günter""",
    "tr": """Yilmaz=Yılmaz Sahin=Şahin Celik=Çelik Yildiz=Yıldız Yildirim=Yıldırım Ozturk=Öztürk
        Aydin=Aydın Ozdemir=Özdemir Dogan=Doğan Kilic=Kılıç Cetin=Çetin Koc=Koç Simsek=Şimşek
        Ozkan=Özkan Ozcan=Özcan Cakir=Çakır Erdogan=Erdoğan Aktas=Aktaş Guler=Güler
        Yalcin=Yalçın Gunes=Güneş Unal=Ünal Gul=Gül Ozer=Özer Isik=Işık Avci=Avcı Sari=Sarı
        Tas=Taş Kose=Köse Cinar=Çınar Akin=Akın Kocak=Koçak Ates=Ateş Coskun=Coşkun
        Huseyin=Hüseyin Omer=Ömer Suleyman=Süleyman Ugur=Uğur Gokhan=Gökhan Bulent=Bülent
        Ayse=Ayşe Ozlem=Özlem Gulsum=Gülsüm Hulya=Hülya Ozge=Özge Tugba=Tuğba Songul=Songül
        Busra=Büşra Kubra=Kübra Ipek=İpek Ismail=İsmail Ibrahim=İbrahim Baris=Barış""",
    "fr": """Francois=François Frederic=Frédéric Stephane=Stéphane Sebastien=Sébastien
        Gerard=Gérard Andre=André Rene=René Benoit=Benoît Herve=Hervé Regis=Régis
        Helene=Hélène Celine=Céline Valerie=Valérie Veronique=Véronique Aurelie=Aurélie
        Emilie=Émilie Lefevre=Lefèvre Guerin=Guérin Riviere=Rivière Menard=Ménard
        Francoise=Françoise Elodie=Élodie Agnes=Agnès Genevieve=Geneviève Etienne=Étienne
        Clement=Clément Theo=Théo Chloe=Chloé Beatrice=Béatrice Noel=Noël""",
    "pt": """Joao=João Sebastiao=Sebastião Goncalves=Gonçalves Araujo=Araújo Guimaraes=Guimarães
        Magalhaes=Magalhães Brandao=Brandão Vitoria=Vitória Leticia=Letícia Marcia=Márcia
        Patricia=Patrícia Fabio=Fábio Marcio=Márcio Sergio=Sérgio Claudio=Cláudio
        Antonio=António Ines=Inês Andre=André Vitor=Vítor Luciana=Luciana""",
    "it": """Nicola=Nicola""",
}
