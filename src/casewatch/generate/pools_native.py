"""Name pools for locales with a native non-Latin script, most common first.

Entries are ``native=Latin1|Latin2`` (``_`` stands for a space inside a name):
the first Latin form is the one a list usually publishes, the others are
real alternative romanisations (Mohammed/Muhammad, Hossein/Husayn, Zhang/Chang).
Russian entries are Cyrillic only: their Latin forms come from the two
romanisation schemes in :mod:`casewatch.generate.translit` (plus an explicit
English form where one is customary, e.g. Александр=Alexander).
"""

from __future__ import annotations

RUSSIAN = {
    "male": """Александр=Alexander Сергей Дмитрий Андрей Алексей=Alexey Максим Евгений
        Иван Михаил=Mikhail Николай Владимир Артём Денис Павел Роман Игорь Олег Юрий Виктор
        Антон Вадим Константин Илья Кирилл Никита Василий Георгий Борис Анатолий Валерий
        Станислав Григорий Пётр=Peter Фёдор=Fedor Тимур Руслан Ярослав Леонид Геннадий Вячеслав
        Аркадий Эдуард Семён Матвей Егор Степан Глеб Лев Марк Тимофей Виталий Валентин Ростислав
        Всеволод Святослав Филипп Арсений Даниил Захар Богдан Эдуард Герман Савелий Прохор""",
    "female": """Елена Ольга Наталья Татьяна Ирина Светлана Анна Мария Екатерина Юлия Марина
        Людмила Галина Анастасия Валентина Ксения Дарья Надежда Оксана Виктория Евгения Алла
        Вера Любовь Лариса Полина Алина Кристина Софья Маргарита Алёна Яна Жанна Зоя Тамара
        Нина Раиса Лидия Вероника Диана Элина Милана Ульяна Варвара Василиса Злата Таисия""",
    "family": """Иванов Смирнов Кузнецов Попов Васильев Петров Соколов Михайлов Новиков Фёдоров
        Морозов Волков Алексеев Лебедев Семёнов Егоров Павлов Козлов Степанов Николаев Орлов
        Андреев Макаров Никитин Захаров Зайцев Соловьёв Борисов Яковлев Григорьев Романов
        Воробьёв Сергеев Кузьмин Фролов Александров Дмитриев Королёв Гусев Киселёв Ильин
        Максимов Поляков Сорокин Виноградов Ковалёв Белов Медведев Антонов Тарасов Жуков
        Баранов Филиппов Комаров Давыдов Беляев Герасимов Богданов Осипов Сидоров Матвеев
        Титов Марков Миронов Крылов Куликов Карпов Власов Мельников Денисов Гаврилов Тихонов
        Казаков Афанасьев Данилов Савельев Тимофеев Фомин Чернов Абрамов Мартынов Ефимов
        Федотов Щербаков Назаров Калинин Исаев Чернышёв Быков Маслов Родионов Коновалов
        Лазарев Воронин Климов Филатов Пономарёв Голубев Кудрявцев Прохоров Наумов Потапов
        Журавлёв Овчинников Трофимов Леонов Соболев Ермаков Колесников Гончаров Емельянов
        Никифоров Грачёв Котов Гришин Ефремов Архипов Громов Кириллов Малышев Панов Моисеев
        Румянцев Акимов Кондратьев Бирюков Горбунов Анисимов Еремин Тихомиров Галкин Лукьянов
        Михеев Скворцов Юдин Белоусов Нестеров Симонов Прокофьев Харитонов Князев Цветков
        Левин Митрофанов Воронов Аксёнов Софронов Мальцев Логинов Горшков Савин Краснов
        Майоров Демидов Елисеев Рыбаков Сафонов Блинов Шестаков Кузнецовский Островский
        Вишневский Яблонский Ковальский Дзержинский Тверской Рождественский Успенский
        Шевченко Бондаренко Коваленко Ткаченко Кравченко Мельниченко Лысенко Руденко""",
}

ARABIC = {
    "male": """محمد=Mohammed|Muhammad|Mohamed|Mohamad|Mohammad أحمد=Ahmed|Ahmad علي=Ali
        محمود=Mahmoud|Mahmud حسن=Hassan|Hasan حسين=Hussein|Hussain|Husayn|Hossein
        عبد_الله=Abdullah|Abdallah|Abd_Allah عمر=Omar|Umar خالد=Khaled|Khalid يوسف=Youssef|Yusuf|Yousef
        إبراهيم=Ibrahim|Ebrahim مصطفى=Mustafa|Moustafa|Mostafa عبد_الرحمن=Abdul_Rahman|Abdulrahman|Abdel_Rahman|Abd_al-Rahman
        سعيد=Saeed|Said|Sayed فيصل=Faisal|Faysal ناصر=Nasser|Nasir سليمان=Suleiman|Sulayman|Soliman
        طارق=Tariq|Tarek|Tarik كريم=Karim|Kareem عادل=Adel|Adil جمال=Jamal|Gamal سامي=Sami|Samy
        وليد=Walid|Waleed ماجد=Majed|Majid زياد=Ziad|Ziyad رامي=Rami|Ramy هشام=Hisham|Hesham
        أسامة=Osama|Usama|Usamah أيمن=Ayman|Aiman بلال=Bilal|Belal حمزة=Hamza|Hamzah
        عبد_العزيز=Abdulaziz|Abdul_Aziz|Abdel_Aziz منصور=Mansour|Mansur نبيل=Nabil|Nabeel
        صالح=Saleh|Salih فهد=Fahd|Fahad سلطان=Sultan عماد=Imad|Emad أنور=Anwar|Anouar
        رشيد=Rashid|Rachid|Rasheed هاني=Hani|Hany مروان=Marwan عثمان=Othman|Uthman|Osman
        يحيى=Yahya|Yehia إسماعيل=Ismail|Ismael موسى=Musa|Moussa عيسى=Issa|Isa
        جعفر=Jafar|Jaafar قاسم=Qasim|Kassem|Qassem منير=Munir|Mounir سمير=Samir|Sameer
        شريف=Sharif|Cherif توفيق=Tawfiq|Toufik|Tawfik حامد=Hamed|Hamid راشد=Rashed|Rashid
        عبد_الكريم=Abdul_Karim|Abdelkarim|Abdulkarim عبد_الرزاق=Abdul_Razzaq|Abdelrazak
        نور_الدين=Nour_al-Din|Nureddin|Noureddine صلاح_الدين=Salah_al-Din|Salahuddin|Salah_Eddine
        إياد=Iyad|Eyad باسل=Basel|Basil غسان=Ghassan وائل=Wael|Wail عمار=Ammar|Amar""",
    "female": """فاطمة=Fatima|Fatma|Fatemah عائشة=Aisha|Aicha|Ayesha مريم=Maryam|Mariam|Meriem
        زينب=Zainab|Zeinab|Zaynab خديجة=Khadija|Khadijah|Khadiga نور=Nour|Noor|Nur ليلى=Layla|Leila|Laila
        سارة=Sara|Sarah هدى=Huda|Hoda أمينة=Amina|Aminah ياسمين=Yasmin|Yasmine|Jasmine
        رانيا=Rania|Ranya سلمى=Salma|Selma هالة=Hala منى=Mona|Muna رشا=Rasha دينا=Dina
        لينا=Lina|Leena سميرة=Samira|Sameera نادية=Nadia|Nadya حنان=Hanan إيمان=Iman|Eman
        أسماء=Asma|Asmaa رقية=Ruqayya|Roqaya سعاد=Souad|Suad وفاء=Wafa|Wafaa""",
    "family": """الحسن=Al-Hassan|Al_Hasan|El-Hassan الأحمد=Al-Ahmad|Al_Ahmed|Alahmad
        العلي=Al-Ali|El-Ali الخطيب=Al-Khatib|Al_Khateeb|El-Khatib الشامي=Al-Shami|Al_Chami|Ash-Shami
        المصري=Al-Masri|El-Masry|Al_Misri الحلبي=Al-Halabi|Al_Halaby التميمي=Al-Tamimi|At-Tamimi|Al_Tamimi
        الزهراني=Al-Zahrani|Az-Zahrani القحطاني=Al-Qahtani|Al_Kahtani|Al-Qahtany
        العتيبي=Al-Otaibi|Al_Otaibi|Al-Utaybi الدوسري=Al-Dosari|Al_Dossary|Ad-Dawsari
        الشمري=Al-Shammari|Al_Shamari|Ash-Shammari الغامدي=Al-Ghamdi|Al_Ghamidi
        الحربي=Al-Harbi|Al_Harby المطيري=Al-Mutairi|Al_Mutairy العنزي=Al-Anazi|Al-Enezi|Al_Anzi
        النعيمي=Al-Nuaimi|Al_Naimi|An-Nuaimi الكعبي=Al-Kaabi|Al_Kabi الهاشمي=Al-Hashimi|El-Hachemi
        البغدادي=Al-Baghdadi|Al_Bagdadi الجبوري=Al-Jubouri|Al_Jabouri|Al-Juburi الدليمي=Al-Dulaimi|Al_Dulaymi
        العبيدي=Al-Obaidi|Al_Ubaidi الراوي=Al-Rawi|Ar-Rawi السامرائي=Al-Samarrai|Al_Samarraie
        الأسد=Al-Assad|Al_Asad|El-Assad مخلوف=Makhlouf|Makhluf حداد=Haddad|Hadad
        خوري=Khoury|Khouri|Khuri نصر=Nasr|Nasser سلامة=Salameh|Salama|Salamah
        عبد_الله=Abdullah|Abdallah منصور=Mansour|Mansur حمدان=Hamdan عيسى=Issa|Eissa
        يوسف=Youssef|Yusuf|Yousef إبراهيم=Ibrahim|Ebrahim قاسم=Qasim|Kassem الشيخ=Al-Sheikh|El-Cheikh|Al_Shaikh
        عثمان=Othman|Osman بن_لادن=Bin_Laden|Bin_Ladin البنا=Al-Banna|El-Banna
        الصباح=Al-Sabah|As-Sabah النجار=Al-Najjar|El-Naggar العطار=Al-Attar|El-Attar
        الفارس=Al-Fares|Al_Faris الجزائري=Al-Jazairi|El-Djazairi التونسي=Al-Tunisi|Ettounsi
        المغربي=Al-Maghribi|El-Maghrebi الليبي=Al-Libi|Al_Liby اليمني=Al-Yamani|Al_Yemeni
        الكردي=Al-Kurdi|El-Kurdi الحمادي=Al-Hammadi|Al_Hamadi الزعبي=Al-Zoubi|Al_Zubi|Az-Zoubi""",
}

PERSIAN = {
    "male": """محمد=Mohammad|Mohammed|Muhammad علی=Ali حسین=Hossein|Hosein|Husayn|Hussein
        رضا=Reza|Rida مهدی=Mehdi|Mahdi حسن=Hassan|Hasan امیر=Amir احمد=Ahmad|Ahmed
        محمدرضا=Mohammad_Reza|Mohammadreza|Mohamad-Reza علیرضا=Alireza|Ali_Reza
        مصطفی=Mostafa|Mustafa سعید=Saeed|Said مجید=Majid|Madjid جواد=Javad|Jawad
        حمید=Hamid|Hamed ابراهیم=Ebrahim|Ibrahim محمود=Mahmoud|Mahmud اکبر=Akbar
        اصغر=Asghar|Asgar عباس=Abbas قاسم=Qasem|Ghasem|Qassem داوود=Davoud|Davood|Dawood
        بهروز=Behrouz|Behrooz فرهاد=Farhad بهزاد=Behzad کامران=Kamran پرویز=Parviz|Parwiz
        هوشنگ=Houshang|Hushang داریوش=Dariush|Daryoush سیاوش=Siavash|Siyavash
        نادر=Nader|Nadir کاظم=Kazem|Kazim یوسف=Yousef|Yusuf مرتضی=Morteza|Murtaza
        مسعود=Masoud|Masood|Massoud محسن=Mohsen|Muhsin روح‌الله=Rouhollah|Ruhollah
        عبدالله=Abdollah|Abdullah اسماعیل=Esmaeil|Ismail|Esmail صادق=Sadegh|Sadeq|Sadiq
        فریدون=Fereydoun|Feridun بیژن=Bijan|Bizhan شهرام=Shahram کیوان=Keyvan|Kayvan
        بابک=Babak رامین=Ramin آرش=Arash|Aresh پیمان=Peyman|Payman سهراب=Sohrab
        کوروش=Kourosh|Kurosh|Cyrus منوچهر=Manouchehr|Manuchehr غلامرضا=Gholamreza|Qolamreza
        غلامحسین=Gholamhossein|Gholam_Hossein نعمت‌الله=Nematollah|Nematolah
        حبیب‌الله=Habibollah|Habibullah اسدالله=Asadollah|Asadullah عزت‌الله=Ezzatollah
        ابوالفضل=Abolfazl|Abulfazl امید=Omid میلاد=Milad پوریا=Pouria|Puria وحید=Vahid|Wahid
        یاسر=Yaser|Yasser سجاد=Sajjad|Sajad مجتبی=Mojtaba|Mujtaba""",
    "female": """فاطمه=Fatemeh|Fatima زهرا=Zahra|Zahraa مریم=Maryam|Mariam معصومه=Masoumeh|Masumeh
        زینب=Zeynab|Zainab سمیرا=Samira نرگس=Narges|Nargis لیلا=Leila|Layla شیرین=Shirin
        پریسا=Parisa مهسا=Mahsa نازنین=Nazanin سارا=Sara|Sarah الهام=Elham آزاده=Azadeh
        فرشته=Fereshteh|Fereshte مینا=Mina نسرین=Nasrin|Nasreen شهلا=Shahla طاهره=Tahereh
        سپیده=Sepideh نیلوفر=Niloufar|Nilufar گلناز=Golnaz بهاره=Bahareh اعظم=Azam
        منیژه=Manijeh|Manizheh پروین=Parvin فریبا=Fariba مهناز=Mahnaz ژاله=Jaleh|Zhaleh
        سوسن=Soosan|Susan شبنم=Shabnam رویا=Roya|Roja ساناز=Sanaz ترانه=Taraneh
        هانیه=Haniyeh|Hanieh کبری=Kobra|Kubra صدیقه=Sedigheh|Sediqeh اشرف=Ashraf
        گلاره=Golareh آتنا=Atena|Athena یاسمن=Yasaman|Yasmin نگار=Negar مرجان=Marjan""",
    "family": """محمدی=Mohammadi|Mohamadi حسینی=Hosseini|Husseini|Hoseini احمدی=Ahmadi
        رضایی=Rezaei|Rezaee|Rezai موسوی=Mousavi|Musavi|Moussavi کریمی=Karimi جعفری=Jafari|Jaafari
        رحیمی=Rahimi صادقی=Sadeghi|Sadeqi|Sadiqi حیدری=Heidari|Haidari|Heydari
        نوری=Nouri|Nuri قاسمی=Ghasemi|Qasemi|Ghassemi کاظمی=Kazemi|Kazimi عباسی=Abbasi
        رحمانی=Rahmani هاشمی=Hashemi|Hachemi طاهری=Taheri|Tahiri ابراهیمی=Ebrahimi|Ibrahimi
        سلیمانی=Soleimani|Suleimani|Solaimani اکبری=Akbari امیری=Amiri نجفی=Najafi
        خامنه‌ای=Khamenei|Khamenehi لاریجانی=Larijani رفسنجانی=Rafsanjani
        ظریف=Zarif قالیباف=Ghalibaf|Qalibaf شمخانی=Shamkhani|Shamkhany
        روحانی=Rouhani|Rohani|Ruhani جلیلی=Jalili وحیدی=Vahidi|Wahidi باقری=Bagheri|Baqeri
        فرهادی=Farhadi مرادی=Moradi|Muradi یزدانی=Yazdani تهرانی=Tehrani اصفهانی=Esfahani|Isfahani
        شیرازی=Shirazi تبریزی=Tabrizi میرزایی=Mirzaei|Mirzaie زمانی=Zamani سلطانی=Soltani|Sultani
        بهرامی=Bahrami فتحی=Fathi نیکخواه=Nikkhah پورمحمدی=Pourmohammadi|Pur-Mohammadi""",
}

#: Chinese surnames: Han = pinyin (| Wade-Giles or Cantonese romanisation).
CHINESE_FAMILY = """王=Wang|Wong 李=Li|Lee 张=Zhang|Chang|Cheung 刘=Liu|Lau 陈=Chen|Chan|Tan
    杨=Yang|Yeung 黄=Huang|Wong|Hwang 赵=Zhao|Chao|Chiu 吴=Wu|Ng|Goh 周=Zhou|Chou|Chow
    徐=Xu|Hsu|Tsui 孙=Sun|Suen 马=Ma 朱=Zhu|Chu 胡=Hu|Woo 郭=Guo|Kuo|Kwok 何=He|Ho
    林=Lin|Lam|Lim 高=Gao|Kao|Ko 罗=Luo|Lo|Law 郑=Zheng|Cheng|Cheng 梁=Liang|Leung
    谢=Xie|Hsieh|Tse 宋=Song|Sung 唐=Tang|Tong 许=Xu|Hsu|Hui 邓=Deng|Teng|Tang
    冯=Feng|Fung 韩=Han|Hon 曹=Cao|Tsao|Tso 彭=Peng|Pang 曾=Zeng|Tseng|Tsang 肖=Xiao|Hsiao|Siu
    田=Tian|Tien 董=Dong|Tung 袁=Yuan|Yuen 潘=Pan|Poon 于=Yu|Yue 蒋=Jiang|Chiang|Tseung
    蔡=Cai|Tsai|Choi 余=Yu|Yee 杜=Du|Tu|To 叶=Ye|Yeh|Yip 程=Cheng|Ching 苏=Su|So
    魏=Wei|Ngai 吕=Lv|Lu|Lui 丁=Ding|Ting 任=Ren|Jen|Yam 沈=Shen|Shum|Sim 姚=Yao|Yiu
    卢=Lu|Lo 姜=Jiang|Chiang|Keung 崔=Cui|Tsui|Choi 钟=Zhong|Chung 谭=Tan|Tam 陆=Lu|Luk
    汪=Wang|Wong 范=Fan 金=Jin|Chin|Kam 石=Shi|Shih|Shek 廖=Liao|Liu 贾=Jia|Chia
    夏=Xia|Hsia|Ha 韦=Wei|Wai 付=Fu 方=Fang|Fong 白=Bai|Pai|Pak 邹=Zou|Tsou|Chau
    孟=Meng|Mang 熊=Xiong|Hsiung|Hung 秦=Qin|Chin|Chun 邱=Qiu|Chiu|Yau 江=Jiang|Kong
    尹=Yin|Wan 薛=Xue|Hsueh|Sit 闫=Yan|Yim 段=Duan|Tuan 雷=Lei|Lui 侯=Hou|Hau
    龙=Long|Lung 史=Shi|Shih|Sze 陶=Tao|To 黎=Li|Lai 贺=He|Ho 顾=Gu|Ku|Koo 毛=Mao|Mo
    郝=Hao 龚=Gong|Kung 邵=Shao|Siu 万=Wan|Man 钱=Qian|Chien|Chin 严=Yan|Yim 覃=Qin
    武=Wu|Mo 戴=Dai|Tai 莫=Mo|Mok 孔=Kong|Hung 向=Xiang|Hsiang 汤=Tang|Tong"""

#: Characters used in Chinese given names (one or two per name).
CHINESE_GIVEN = """伟=Wei|Wai 芳=Fang|Fong 娜=Na 敏=Min|Man 静=Jing|Ching 丽=Li|Lai
    强=Qiang|Chiang|Keung 磊=Lei|Lui 军=Jun|Chun|Kwan 洋=Yang|Yeung 勇=Yong|Yung 艳=Yan|Yim
    杰=Jie|Chieh|Kit 娟=Juan|Chuan|Kuen 涛=Tao|Tou 明=Ming|Ming 超=Chao|Chiu 秀=Xiu|Hsiu|Sau
    霞=Xia|Hsia|Ha 平=Ping|Ping 刚=Gang|Kang|Kong 桂=Gui|Kuei|Kwai 英=Ying|Ying 华=Hua|Wah
    文=Wen|Man 辉=Hui|Fai 建=Jian|Chien|Kin 国=Guo|Kuo|Kwok 小=Xiao|Hsiao|Siu
    海=Hai|Hoi 志=Zhi|Chih|Chi 红=Hong|Hung 林=Lin|Lam 玉=Yu|Yuk 春=Chun|Chun 东=Dong|Tung
    飞=Fei|Fei 宇=Yu|Yue 俊=Jun|Chun|Chun 晓=Xiao|Hsiao|Hiu 鹏=Peng|Pang 斌=Bin|Pin|Pan
    浩=Hao|Ho 凯=Kai|Hoi 慧=Hui|Wai 婷=Ting|Ting 雪=Xue|Hsueh|Suet 梅=Mei|Mui 琳=Lin|Lam
    新=Xin|Hsin|Sun 成=Cheng|Ching|Shing 德=De|Te|Tak 龙=Long|Lung 云=Yun|Wan 金=Jin|Chin|Kam
    荣=Rong|Jung|Wing 波=Bo|Po 宏=Hong|Hung 嘉=Jia|Chia|Ka 子=Zi|Tzu|Tsz 永=Yong|Yung|Wing
    家=Jia|Chia|Ka 中=Zhong|Chung 庆=Qing|Ching|Hing 兰=Lan|Lan 凤=Feng|Fung 亮=Liang|Leung
    振=Zhen|Chen|Chun 思=Si|Szu|Sze 安=An|Ngon 佳=Jia|Chia|Kai 晨=Chen|Chen|San 瑞=Rui|Jui|Sui
    怡=Yi|Yee 欣=Xin|Hsin|Yan 泽=Ze|Tse|Chak 博=Bo|Po|Pok 天=Tian|Tien|Tin 乐=Le|Lok"""

HINDI = {
    "male": """राहुल=Rahul राजेश=Rajesh अमित=Amit सुनील=Sunil|Suneel अनिल=Anil
        संजय=Sanjay|Sanjai विजय=Vijay|Vijai अजय=Ajay|Ajai रमेश=Ramesh सुरेश=Suresh
        महेश=Mahesh दिनेश=Dinesh मनोज=Manoj राकेश=Rakesh अशोक=Ashok|Asok प्रकाश=Prakash
        राजीव=Rajiv|Rajeev विकास=Vikas|Vikash दीपक=Deepak|Dipak अरुण=Arun विनोद=Vinod
        आनंद=Anand नरेंद्र=Narendra|Narendar सुभाष=Subhash|Subash रवि=Ravi|Ravee
        गौरव=Gaurav|Gourav अभिषेक=Abhishek आदित्य=Aditya अर्जुन=Arjun|Arjuna रोहित=Rohit
        विशाल=Vishal|Visal नितिन=Nitin|Niteen प्रदीप=Pradeep|Pradip सचिन=Sachin
        हरीश=Harish|Hareesh मुकेश=Mukesh गोपाल=Gopal कृष्ण=Krishna|Krishan शंकर=Shankar|Sankar
        श्याम=Shyam|Syam मोहन=Mohan किशोर=Kishore|Kishor सतीश=Satish|Sateesh""",
    "female": """प्रिया=Priya|Preeya पूजा=Pooja|Puja अंजलि=Anjali|Anjalee सुनीता=Sunita|Suneeta
        अनीता=Anita|Aneeta नेहा=Neha कविता=Kavita|Kavitha रेखा=Rekha गीता=Geeta|Gita
        सीमा=Seema|Sima ममता=Mamta|Mamata लक्ष्मी=Lakshmi|Laxmi सरिता=Sarita मीना=Meena|Mina
        रीता=Rita|Reeta आरती=Aarti|Arati दीपिका=Deepika|Dipika स्वाति=Swati|Swathi
        निशा=Nisha शालिनी=Shalini|Salini पल्लवी=Pallavi श्वेता=Shweta|Sweta राधा=Radha
        ज्योति=Jyoti|Jyothi सोनिया=Sonia|Sonya""",
    "family": """शर्मा=Sharma|Sarma वर्मा=Verma|Varma सिंह=Singh|Sinh कुमार=Kumar
        गुप्ता=Gupta|Gupt पटेल=Patel यादव=Yadav|Yadava जैन=Jain|Jaine अग्रवाल=Agarwal|Aggarwal|Agrawal
        मिश्रा=Mishra|Misra तिवारी=Tiwari|Tewari पांडे=Pandey|Pande|Pandey चौहान=Chauhan|Chouhan
        रेड्डी=Reddy|Reddi राव=Rao नायर=Nair|Nayar मेहता=Mehta|Mehata शाह=Shah
        जोशी=Joshi|Joshee चौधरी=Chaudhary|Choudhury|Chowdhury मल्होत्रा=Malhotra कपूर=Kapoor|Kapur
        खन्ना=Khanna भाटिया=Bhatia|Bhatiya सक्सेना=Saxena|Saksena श्रीवास्तव=Srivastava|Shrivastava
        दुबे=Dubey|Dube त्रिपाठी=Tripathi|Tripathy बंसल=Bansal गोयल=Goyal|Goel मित्तल=Mittal
        अरोड़ा=Arora|Arorra भट्ट=Bhatt|Bhat देसाई=Desai|Dessai नायडू=Naidu|Naidoo
        पिल्लई=Pillai|Pillay अय्यर=Iyer|Aiyar बनर्जी=Banerjee|Banerji|Bandyopadhyay
        चटर्जी=Chatterjee|Chatterji मुखर्जी=Mukherjee|Mukherji घोष=Ghosh|Ghose दास=Das|Dass
        सेन=Sen ठाकुर=Thakur|Thakkar कुलकर्णी=Kulkarni पाटिल=Patil|Patel भट्टाचार्य=Bhattacharya|Bhattacharjee""",
}
