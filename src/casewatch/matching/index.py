"""The candidate index: from a query to a few dozen likely subjects out of a million.

Keys are strings in one vocabulary, each with a postings array of subject
slots (``array('i')``, 4 bytes a posting, always ascending because slots only
grow):

* name tokens, as normalised (``putin``);
* typo-tolerant variants: a symmetric-delete dictionary over the token
  vocabulary (every token of 4+ characters is filed under each of its
  one-character deletions), so a query token reaches every vocabulary token
  within one edit (insertion, deletion, substitution or transposition);
* phonetic keys (``~`` + metaphone) and consonant skeletons (``%`` + skeleton,
  for names transliterated from Arabic or Hebrew);
* identifiers (``#`` + normalised number) and crypto addresses (``$`` + address);
* first letters (``^`` + letter), generic legal forms (``&`` + form), countries
  (``@`` + code), birth years and full birth dates (``*`` + year or date): rank-only keys, they never bring a
  subject in, but order the ones found ("N. Raze" prefers "Nivuta Raze" to
  "Boris Raze"; of fifty "Coju" companies, the Cypriot one comes first for a
  Cypriot query).

A query's keys are weighted by rarity (IDF, ``log(1 + N/df)``); the keys reached
from one query token count once per subject (the best of them). Rare keys
(at most ``RARE_DF`` postings, ``WEAK_RARE_DF`` for typo, phonetic and
skeleton keys) bring their subjects in; common keys ("mohammed",
"trading") only add weight to subjects already found, through a binary search
in their sorted postings, so they never flood the list. A query made only of
common keys is driven by its rarest one. The best ``limit`` subjects by summed
weight go on to the scorer, plus every subject sharing an identifier or address.

At a million subjects, more than ``MAX_CANDIDATES`` subjects often tie on the
same name keys ("John Smith" is filed under the same keys a hundred times); a
cut by index weight alone is then arbitrary and loses the true subject. So the
best ``POOL_CANDIDATES`` of the tied are re-ranked by a cheap upper bound on the
name score, a rapidfuzz token-sort ratio between the query's and the
subject's normalised names (an exact normalised name scores 100 and always
stays), added to the share of the best index weight; the best
``MAX_CANDIDATES`` of that order go to the full scorer.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Callable, Iterator, Mapping
from functools import lru_cache
from typing import Any

import numpy as np
from followthemoney import EntityProxy
from rapidfuzz import fuzz
from rapidfuzz.process import cdist
from rigour.text.phonetics import metaphone

from casewatch.matching.compiled import Compiled, compile_entity
from casewatch.matching.normalize import skeleton

#: Keys with more postings than this are "common": they rank but do not recruit.
RARE_DF = 2000
#: The same for weaker keys (typo variants, phonetic keys, skeletons, split halves).
WEAK_RARE_DF = 300
#: A typo neighbour with at most this many postings drives beside rare words (see ``candidates``).
DRIVER_DF = 2500
#: Subjects passed to the scorer per query (besides identifier/crypto hits).
DEFAULT_CANDIDATES = 20
#: Up to this many postings, weights are summed in a dict (cheaper than numpy calls);
#: beyond, by sorting the concatenated postings.
PY_ACCUMULATE = 150
MIN_DELETE_LEN = 4
FUZZY_WEIGHT = 0.8
PHONETIC_WEIGHT = 0.4
SKELETON_WEIGHT = 0.4
#: A skeleton is as good as the word itself for a name transliterated from an abjad.
ABJAD_SKELETON_WEIGHT = 0.9
SPLIT_WEIGHT = 0.8
LENGTH_NORM = 0.15
INITIAL_WEIGHT = 0.5
LEGAL_WEIGHT = 0.5
COUNTRY_WEIGHT = 0.3
YEAR_WEIGHT = 0.3
#: A full birth date: of a thousand "Fatima Mohammed Nasr", the one born that day comes first.
DATE_WEIGHT = 0.3
ID_WEIGHT = 50.0
#: Prefixes of keys that only rank candidates (first letter, legal form, country, year).
RANK_ONLY = "^&@*"
#: Candidates tied with the last one admitted are admitted too, up to this many in all.
MAX_CANDIDATES = 40
#: Candidates whose index weight is below this share of the best one are not scored.
MIN_SHARE = 0.3
#: Candidates re-ranked by the cheap name bound when more than ``MAX_CANDIDATES`` qualify.
POOL_CANDIDATES = 250
#: Candidates looked at (then re-ranked by skeleton) for a name written in an abjad, whose
#: transliteration reaches most subjects only through weak skeleton and phonetic keys.
ABJAD_POOL = 120
#: Candidates kept when more than ``MAX_CANDIDATES`` carry exactly the query's normalised name.
EXACT_CANDIDATES = 250
#: A best re-ranking ratio at least this high, shared by many candidates, keeps them all (as exact).
TIED_NAME_RATIO = 0.8
#: Weight of the index-weight share (0..1) beside the name ratio (0..1) in that re-ranking.
INDEX_SHARE_WEIGHT = 0.5
#: The count of watched subjects sharing a whole name is capped here (see ``name_frequency``).
FREQUENCY_CAP = 3.0
#: A name word at least this many subjects carry is a "known" name: another known name a slip
#: or two away is a different name, not a typo of it (``features.names.different_names``).
#: Three, not more: at 1M (benchmarks/screening) 3 gave 38 false alerts per 1,000 unwatched
#: records against 45 with 20, at the same recall; a typo rarely spells a word three subjects carry.
KNOWN_DF = 3
#: Postings at least this long are probed through a bitmap of the slots (one bit each, built on
#: first use) instead of a binary search: at a million subjects about 500 keys (first letters,
#: countries, legal forms, "al", "mohammed"), 60 MB, and a probe is O(1) instead of O(log df).
BITMAP_DF = 4096


def _contains(plist: array[int], slots: np.ndarray) -> np.ndarray:
    """Which of ``slots`` (ascending, distinct) are in a (non-empty, ascending) postings list.

    Binary search of the shorter side into the longer one.
    """
    arr = np.frombuffer(plist, dtype=np.int32)
    if len(arr) >= len(slots):
        pos = np.minimum(np.searchsorted(arr, slots), len(arr) - 1)
        found: np.ndarray = arr[pos] == slots
        return found
    pos = np.searchsorted(slots, arr)
    inside = pos < len(slots)
    pos, arr = pos[inside], arr[inside]
    found = np.zeros(len(slots), dtype=bool)
    found[pos[slots[pos] == arr]] = True
    return found


def _bitmap(plist: array[int], capacity: int) -> np.ndarray:
    """The slots of a postings list as a bitmap of ``capacity`` slots (LSB first)."""
    bits = np.zeros(capacity, dtype=bool)
    bits[np.frombuffer(plist, dtype=np.int32)] = True
    packed: np.ndarray = np.packbits(bits, bitorder="little")
    return packed


def _plain_form(tokens: tuple[str, ...]) -> str:
    return " ".join(tokens)


def _initials_form(initials: set[str], words: set[str]) -> Callable[[tuple[str, ...]], str]:
    """A name with each word the query gives only as an initial cut to that initial."""
    def form(tokens: tuple[str, ...]) -> str:
        return " ".join(t[0] if len(t) > 1 and t[0] in initials and t not in words else t for t in tokens)
    return form


def _skeleton_form(tokens: tuple[str, ...]) -> str:
    """A name as consonant skeletons, to compare an abjad transliteration with Latin spellings."""
    return " ".join(skeleton(t) for t in tokens)


def _deletes(token: str) -> Iterator[str]:
    for i in range(len(token)):
        yield token[:i] + token[i + 1 :]


@lru_cache(maxsize=500_000)
def token_keys(token: str) -> tuple[str, ...]:
    """Index keys of one name token: itself, its phonetic key and consonant skeleton."""
    keys = [token]
    if len(token) >= 3 and not token.isdigit():
        code = metaphone(token)
        if code:
            keys.append("~" + code)
        skel = skeleton(token)
        if len(skel) >= 2:
            keys.append("%" + skel)
    return tuple(keys)


def compiled_keys(compiled: Compiled) -> set[str]:
    """Every key under which a compiled subject is filed."""
    keys: set[str] = set()
    for alias in compiled.aliases:
        for token in alias.tokens:
            keys.update(token_keys(token))
        keys.update("^" + token[0] for token in alias.tokens)
        keys.update("&" + form for form in alias.legal)
    keys.update("#" + i for i in compiled.ids)
    keys.update("$" + c for c in compiled.crypto)
    keys.update(dob_address_keys(compiled))
    keys.update("@" + c for c in compiled.countries)
    keys.update("*" + d[:4] for d in compiled.dates)
    keys.update("*" + d for d in compiled.dates if len(d) == 10)
    return keys


def dob_address_keys(compiled: Compiled) -> list[str]:
    """``!`` + full birth date + a number of the address (house number, postcode).

    They bring in a record whose name was mistyped or replaced but whose birth
    date and address agree (``dob_address_match``); a full date and a number
    together are rare enough to recruit.
    """
    out: list[str] = []
    for date in compiled.dates:
        if len(date) == 10:
            for address in compiled.addresses:
                out.extend(f"!{date}|{token}" for token in address.split() if token.isdigit())
    return out


def blocking_keys(entity: EntityProxy | Mapping[str, Any] | Compiled) -> set[str]:
    """The keys the index files an entity under (name tokens, phonetic keys, ids, addresses).

    Two entities that the matcher could find for each other share at least one
    key, except through one-character typos, which the index reaches through
    its symmetric-delete dictionary (not part of these keys). Rank-only keys
    (first letters, legal forms, countries, birth years) are left out: they
    never bring a candidate in.
    """
    compiled = entity if isinstance(entity, Compiled) else compile_entity(entity)
    return {k for k in compiled_keys(compiled) if k[0] not in RANK_ONLY}


class CandidateIndex:
    """Inverted index from keys to subject slots (see the module docstring)."""

    def __init__(self) -> None:
        self.vocab: dict[str, int] = {}
        self.postings: list[array[int]] = []
        self.deletes: dict[str, int | list[int]] = {}
        self.live = 0
        self.lengths = array("B")  # tokens in each subject's shortest alias (length norm)
        #: The subjects by slot (set by the Screener; None = removed); used to break ties.
        self.subjects: list[Compiled | None] = []
        #: Key id -> bitmap of its postings, for keys of ``BITMAP_DF`` or more postings.
        self.bitmaps: dict[int, np.ndarray] = {}

    # -- building -------------------------------------------------------------
    def _key_id(self, key: str) -> int:
        kid = self.vocab.get(key)
        if kid is None:
            kid = self._new_key(key)
        return kid

    def _new_key(self, key: str) -> int:
        """Add a key to the vocabulary (and a name token to the delete dictionary)."""
        kid = len(self.postings)
        self.vocab[key] = kid
        self.postings.append(array("i"))
        if len(key) >= MIN_DELETE_LEN and key[0] not in "~%#$!" + RANK_ONLY:
            deletes = self.deletes
            for variant in _deletes(key):
                found = deletes.get(variant)
                if found is None:
                    deletes[variant] = kid
                elif isinstance(found, int):
                    deletes[variant] = [found, kid]
                else:
                    found.append(kid)
        return kid

    def add(self, slot: int, compiled: Compiled) -> None:
        """File subject ``slot`` under its keys (slots must be added in ascending order)."""
        vocab, postings, bitmaps = self.vocab, self.postings, self.bitmaps
        for key in compiled_keys(compiled):
            kid = vocab.get(key)
            if kid is None:
                kid = self._new_key(key)
            postings[kid].append(slot)
            bits = bitmaps.get(kid)
            if bits is not None:
                if len(bits) * 8 <= slot:
                    bits = bitmaps[kid] = self._grown(bits, slot + 1)
                bits[slot >> 3] |= 1 << (slot & 7)
        while len(self.lengths) < slot:
            self.lengths.append(0)
        self.lengths.append(min((len(a.tokens) for a in compiled.aliases), default=0) if compiled.aliases else 0)
        self.live += 1

    @staticmethod
    def _grown(bits: np.ndarray, slots: int) -> np.ndarray:
        """A bitmap grown (by at least an eighth) to hold ``slots`` slots."""
        size = max((slots + 7) // 8, len(bits) + len(bits) // 8 + 1)
        grown = np.zeros(size, dtype=np.uint8)
        grown[: len(bits)] = bits
        return grown

    def member(self, kid: int, slots: np.ndarray) -> np.ndarray:
        """Which of ``slots`` (int32) are filed under key ``kid``: bitmap or binary search."""
        plist = self.postings[kid]
        if len(plist) < BITMAP_DF:
            return _contains(plist, slots)
        bits = self.bitmaps.get(kid)
        if bits is None or len(bits) * 8 < len(self.lengths):
            bits = self.bitmaps[kid] = _bitmap(plist, len(self.lengths) + 8)
        found: np.ndarray = (bits[slots >> 3] >> (slots & 7)) & 1
        return found.astype(bool)

    def known_word(self, token: str) -> bool:
        """Whether at least ``KNOWN_DF`` subjects carry ``token`` (a known name word)."""
        kid = self.vocab.get(token)
        return kid is not None and len(self.postings[kid]) >= KNOWN_DF

    def removed(self) -> None:
        """Count one removal (postings keep the dead slot; the caller filters it)."""
        self.live -= 1

    # -- querying -------------------------------------------------------------
    def _fuzzy(self, token: str) -> set[int]:
        """Key ids of vocabulary tokens within one edit of ``token``."""
        out: set[int] = set()
        if len(token) < MIN_DELETE_LEN - 1:
            return out
        variants = [token]
        if len(token) >= MIN_DELETE_LEN:
            variants.extend(_deletes(token))
        for variant in variants:
            found = self.deletes.get(variant)
            if found is not None:
                out.update((found,) if isinstance(found, int) else found)
            if variant is not token:
                kid = self.vocab.get(variant)
                if kid is not None:
                    out.add(kid)
        return out

    def _splits(self, token: str) -> Iterator[int]:
        """Key ids of the halves of a token that joins two words ("jscargument").

        Both halves must be vocabulary words, or one a word of 4+ characters and
        the other a short piece (a legal form such as "jsc", or an initial).
        """
        for i in range(1, len(token)):
            head, tail = token[:i], token[i:]
            left, right = self.vocab.get(head), self.vocab.get(tail)
            if left is not None and right is not None:
                yield left
                yield right
            elif left is not None and len(head) >= 4 and len(tail) <= 4:
                yield left
            elif right is not None and len(tail) >= 4 and len(head) <= 4:
                yield right

    def query_keys(self, compiled: Compiled) -> tuple[dict[int, tuple[float, int]], dict[int, float]]:
        """Key id → (weight, group) for a query (exact > fuzzy/split > phonetic), and the rank-only keys.

        Keys reached from one query token (itself, its typo neighbours, phonetic
        key and skeleton) form one group: a subject earns the best of them, not
        their sum, so a common given name reached five ways does not outweigh
        a rare family name reached one way.
        """
        weights: dict[int, tuple[float, int]] = {}
        boost: dict[int, float] = {}
        groups: dict[str, int] = {}

        def group(name: str) -> int:
            return groups.setdefault(name, len(groups))

        def put(kid: int | None, weight: float, grp: int) -> None:
            if kid is not None and weight > weights.get(kid, (0.0, 0))[0]:
                weights[kid] = (weight, grp)

        def rank(key: str, weight: float) -> None:
            kid = self.vocab.get(key)
            if kid is not None:
                boost[kid] = weight

        vocab = self.vocab
        for alias in compiled.aliases:
            tokens = alias.tokens
            for pos, token in enumerate(tokens):
                g = group(token)
                keys = token_keys(token)
                put(vocab.get(token), 1.0, g)
                weak = (PHONETIC_WEIGHT, ABJAD_SKELETON_WEIGHT if alias.abjad else SKELETON_WEIGHT)
                for key, weight in zip(keys[1:], weak, strict=False):
                    put(vocab.get(key), weight, g)
                for kid in self._fuzzy(token):
                    put(kid, FUZZY_WEIGHT, g)
                if len(token) >= 6 and token not in vocab:  # a known word needs no splitting
                    for kid in self._splits(token):
                        put(kid, SPLIT_WEIGHT, group(f"split:{kid}"))
                if pos + 1 < len(tokens):  # the two words written as one: evidence for the first
                    put(vocab.get(token + tokens[pos + 1]), 1.0, g)
                if len(token) == 1:
                    rank("^" + token, INITIAL_WEIGHT)
            for form in alias.legal:
                rank("&" + form, LEGAL_WEIGHT)
            for form in alias.legal_forms:
                if tokens:
                    put(vocab.get(form + tokens[0]), 1.0, group(form + tokens[0]))
                    put(vocab.get(tokens[-1] + form), 1.0, group(tokens[-1] + form))
        for key in dob_address_keys(compiled):
            put(vocab.get(key), 1.0, group(key))
        for ident in compiled.ids:
            put(vocab.get("#" + ident), ID_WEIGHT, group("#" + ident))
        for addr in compiled.crypto:
            put(vocab.get("$" + addr), ID_WEIGHT, group("$" + addr))
        for country in compiled.countries:
            rank("@" + country, COUNTRY_WEIGHT)
        for date in compiled.dates:
            rank("*" + date[:4], YEAR_WEIGHT)
            if len(date) == 10:
                rank("*" + date, DATE_WEIGHT)
        return weights, boost

    @staticmethod
    def _accumulate(rare: list[tuple[array[int], float, int]], groups: int) -> tuple[np.ndarray, np.ndarray]:
        """Distinct slots of the recruiting keys, and each group's best weight per slot."""
        if len(rare) == 1:
            plist, weight, grp = rare[0]
            slots = np.frombuffer(plist, dtype=np.int32)
            best = np.zeros((groups, len(slots)))
            best[grp] = weight
            return slots, best
        if sum(len(p) for p, _, _ in rare) <= PY_ACCUMULATE:  # small: plain dict, no numpy overhead
            acc: dict[int, list[float]] = {}
            for plist, weight, grp in rare:
                for slot in plist:
                    row = acc.get(slot)
                    if row is None:
                        row = acc[slot] = [0.0] * groups
                    if weight > row[grp]:
                        row[grp] = weight
            ordered = sorted(acc)  # ascending, as the binary searches want
            slots = np.array(ordered, dtype=np.int32)
            rows = [acc[slot] for slot in ordered]
            return slots, np.array(rows, dtype=np.float64).reshape(len(acc), groups).T.copy()
        arrays = [np.frombuffer(p, dtype=np.int32) for p, _, _ in rare]
        cat = np.concatenate(arrays)
        sizes = [len(a) for a in arrays]
        weights = np.repeat(np.array([w for _, w, _ in rare]), sizes)
        grps = np.repeat(np.array([g for _, _, g in rare], dtype=np.intp), sizes)
        slots, inverse = np.unique(cat, return_inverse=True)
        best = np.zeros((groups, len(slots)))
        np.maximum.at(best, (grps, inverse), weights)
        return slots.astype(np.int32, copy=False), best

    def candidates(
        self, compiled: Compiled, alive: np.ndarray, limit: int = DEFAULT_CANDIDATES
    ) -> tuple[np.ndarray, np.ndarray]:
        """Slots of the best ``limit`` live subjects for a query (plus identifier hits), best first."""
        empty = np.empty(0, dtype=np.int32), np.empty(0, dtype=np.float32)
        keys, boost = self.query_keys(compiled)
        total = max(self.live, 1)
        rare: list[tuple[array[int], float, int]] = []
        common: list[tuple[int, float, int]] = []  # (key id, weight, group)
        strong_rare = False  # a whole word (or identifier) of the query recruits
        driver: tuple[int, int] | None = None  # (df, index in common) of the rarest common whole word
        fuzzy_driver: tuple[int, int] | None = None  # the same for typo neighbours and split halves
        groups = 0
        for kid, (weight, grp) in keys.items():
            plist = self.postings[kid]
            df = len(plist)
            if df == 0:
                continue
            groups = max(groups, grp + 1)
            idf = weight * math.log(1.0 + total / df)
            # an abjad name's skeleton (0.9) recruits like a whole word
            recruits = df <= (RARE_DF if weight >= ABJAD_SKELETON_WEIGHT else WEAK_RARE_DF) or weight >= ID_WEIGHT
            if recruits:
                rare.append((plist, idf, grp))
                strong_rare = strong_rare or weight >= 1.0
            else:
                if weight >= 1.0 and (driver is None or df < driver[0]):
                    driver = (df, len(common))
                elif weight >= FUZZY_WEIGHT and (fuzzy_driver is None or df < fuzzy_driver[0]):
                    fuzzy_driver = (df, len(common))
                common.append((kid, idf, grp))
        if not rare and not common:
            return empty
        if driver is None and not strong_rare:  # every word mistyped ("Silenr Wnid"): a neighbour drives
            driver = fuzzy_driver
        if not strong_rare and (driver is not None or not rare):
            # every whole word of the query is common ("Western Technologies Steel"): the
            # rarest one drives, beside any rare typo neighbour ("selel" must not be all)
            postings = self.postings
            at = driver[1] if driver is not None else min(range(len(common)), key=lambda i: len(postings[common[i][0]]))
            kid, idf, grp = common.pop(at)
            rare.append((postings[kid], idf, grp))
        elif fuzzy_driver is not None and fuzzy_driver[0] <= DRIVER_DF:
            # a rare spelling of a common name ("Aicha Belal Uthman"): the few so spelt are not
            # all; the rarest common neighbour ("othman") brings in the many spelt otherwise
            kid, idf, grp = common.pop(fuzzy_driver[1])
            rare.append((self.postings[kid], idf, grp))
        slots, best = self._accumulate(rare, groups)
        for kid, weight, grp in common:
            np.maximum(best[grp], weight * self.member(kid, slots), out=best[grp])
        values = best.sum(axis=0)
        for kid, weight in boost.items():  # first letters, legal forms, countries, birth years
            plist = self.postings[kid]
            if plist:
                values += weight * math.log(1.0 + total / len(plist)) * self.member(kid, slots)
        if any(a.abjad for a in compiled.aliases):  # weak keys only: look wider, re-rank by skeleton
            limit = max(limit, ABJAD_POOL)
        return self._select(compiled, slots, values, alive, limit)

    def _select(
        self, compiled: Compiled, slots: np.ndarray, values: np.ndarray, alive: np.ndarray, limit: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """Length-normalise, drop dead slots, keep the best ``limit`` (and ties), best first."""
        # length normalisation: a subject with more tokens than the query explains less of it
        query_len = min((len(a.tokens) for a in compiled.aliases), default=0)
        lengths = np.frombuffer(self.lengths, dtype=np.uint8)[slots].astype(np.float64)
        values /= 1.0 + LENGTH_NORM * np.maximum(lengths - query_len, 0.0)
        live = alive[slots].astype(bool)
        slots, values = slots[live], values[live]
        if len(slots) > limit:
            top = np.argpartition(-values, limit - 1)[:limit]
            cut = values[top].min()
            # keep ties with the last admitted candidate, and every identifier or address hit
            extra = np.flatnonzero((values >= cut) | (values >= ID_WEIGHT))
            if len(extra) > MAX_CANDIDATES:  # too many ties: the best POOL_CANDIDATES, re-ranked
                extra = extra[np.argsort(-values[extra], kind="stable")[:POOL_CANDIDATES]]
            slots, values = slots[extra], values[extra]
        order = np.argsort(-values, kind="stable")
        slots, values = slots[order], values[order]
        if len(values) and values[0] < ID_WEIGHT:
            keep = values >= MIN_SHARE * values[0]
            slots, values = slots[keep], values[keep]
        if len(slots) > MAX_CANDIDATES:
            slots, values = self._rerank(compiled, slots, values)
        return slots.astype(np.int32, copy=False), values.astype(np.float32)

    def _rerank(
        self, compiled: Compiled, slots: np.ndarray, values: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Keep the best ``MAX_CANDIDATES`` by name ratio + index share (identifier hits always)."""
        abjad = any(a.abjad for a in compiled.aliases)
        form: Callable[[tuple[str, ...]], str] = _skeleton_form if abjad else _plain_form
        queries = [form(a.tokens) for a in compiled.aliases[:4]]
        initials = {t for a in compiled.aliases for t in a.tokens if len(t) == 1}
        if initials and not abjad:  # "T. O. Mustafa": candidates' words cut to the initials asked for
            form = _initials_form(initials, {t for a in compiled.aliases for t in a.tokens})
        choices: list[str] = []
        owners: list[int] = []
        subjects = self.subjects
        if not subjects:  # no subjects known (a bare index): keep the best by weight
            return slots[:MAX_CANDIDATES], values[:MAX_CANDIDATES]
        for i, slot in enumerate(slots.tolist()):
            subject = subjects[slot]
            for alias in subject.aliases[:4] if subject is not None else ():
                choices.append(form(alias.tokens))
                owners.append(i)
        ratio = np.zeros(len(slots))
        if queries and choices:
            best = cdist(queries, choices, scorer=fuzz.token_sort_ratio, dtype=np.uint8).max(axis=0)
            np.maximum.at(ratio, np.asarray(owners), best / 100.0)
        rank = ratio + INDEX_SHARE_WEIGHT * values / max(float(values.max()), 1e-9)
        rank[values >= ID_WEIGHT] += 10.0
        rank[values > values[min(DEFAULT_CANDIDATES, len(values)) - 1]] += 5.0  # above the tie
        order = np.argsort(-rank, kind="stable")
        # every bearer of exactly the query's name is scored (up to EXACT_CANDIDATES): which
        # of forty "ZAO Sibir" is meant, only their birth dates, countries or numbers can say;
        # the same for the bearers of the one name a mistyped query comes closest to ("Vloga")
        top = float(ratio.max()) if len(ratio) else 0.0
        exact = int(np.count_nonzero(ratio >= (top if top >= TIED_NAME_RATIO else 1.0)))
        order = order[:max(MAX_CANDIDATES, min(exact, EXACT_CANDIDATES))]
        order.sort()  # back to index-weight order
        return slots[order], values[order]

    def name_frequency(self, compiled: Compiled) -> float:
        """How many watched subjects carry every token of the query's most specific name.

        For each alias, the size of the intersection of its tokens' postings
        (rarest first; the others probed by binary search), capped at
        ``FREQUENCY_CAP``; the smallest over the aliases. A token missing from
        the index makes it 0. Counts removed subjects until the next compaction.
        """
        best = FREQUENCY_CAP
        for alias in compiled.aliases:
            if not alias.tokens:
                continue
            kids = [self.vocab.get(token) for token in set(alias.tokens)]
            if any(kid is None for kid in kids):
                return 0.0
            kids_by_df = sorted((kid for kid in kids if kid is not None), key=lambda k: len(self.postings[k]))
            common = np.frombuffer(self.postings[kids_by_df[0]], dtype=np.int32)
            for kid in kids_by_df[1:]:
                if not len(common):
                    break
                common = common[self.member(kid, common)]
            best = min(best, float(len(common)))
        return best if compiled.aliases else 0.0

    def state(self) -> tuple[Any, ...]:
        # the arrays themselves, not a bytes copy of each made up front: pickling copies
        # one array at a time, which keeps the peak memory of a snapshot save low
        return (self.vocab, self.postings, self.deletes, self.live, self.lengths)

    @classmethod
    def from_state(cls, state: tuple[Any, ...]) -> CandidateIndex:
        index = cls()
        index.vocab, index.postings, index.deletes, index.live, index.lengths = state
        return index
