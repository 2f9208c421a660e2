"""Token-level evidence: how much a token says about identity, and how alike two tokens are."""

from __future__ import annotations

from functools import lru_cache

from rapidfuzz.distance import OSA
from rigour.text.phonetics import metaphone

from casewatch.matching.normalize import skeleton

#: Tokens so common in names that sharing one says little: frequent given names,
#: name particles and generic organisation words.
COMMON = frozenset(
    """
    mohammed mohammad muhammad mohamed muhammed mohamad ahmed ahmad ali hassan hussein husain
    hussain abdul abdel abd abdullah abdallah omar umar ibrahim ismail yusuf youssef khan
    mahmoud mustafa karim hamid rahman aziz bin ibn bint abu al el ul ud ad ben bat van von
    der den de da di du dos das del la le mac mc st san santa
    john james robert michael william david richard joseph thomas charles mary maria
    anna elena olga irina natalia sergey sergei alexander aleksandr andrey andrei vladimir
    dmitry dmitri ivan nikolai jose juan carlos luis jean pierre li wang zhang liu chen yang
    huang zhao wu zhou xu sun ma zhu hu guo he lin kim lee park nguyen tran singh kumar
    trading trade international intl global general group holding holdings company co
    corporation corp enterprise enterprises industries industry services service investment
    investments import export shipping logistics bank national capital partners management
    consulting development commercial finance financial energy oil gas petroleum resources
    technology technologies tech systems solutions products manufacturing construction
    ventures associates agency foundation fund center centre institute association union
    marine maritime navigation transport airlines airline air shipping line lines
    """.split()
)


@lru_cache(maxsize=500_000)
def token_weight(token: str) -> float:
    """Identity weight of a token: rare, long tokens 1.0; initials, short and common ones less."""
    n = len(token)
    if n == 1:
        return 0.3
    if token in COMMON:
        return 0.35
    if token.isdigit():
        return 0.5
    if n == 2:
        return 0.5
    if n == 3:
        return 0.75
    return 1.0


def edit_budget(length: int) -> int:
    """Edits tolerated between two tokens whose longer one has ``length`` characters."""
    if length <= 3:
        return 0
    if length == 4:
        return 1
    if length <= 11:
        return 2
    return 3


INITIAL_SIM = 0.9
PHONETIC_SIM = 0.75
SKELETON_SIM = 0.8


@lru_cache(maxsize=1_000_000)
def token_similarity(a: str, b: str, abjad: bool = False) -> float:
    """Similarity of two normalised tokens in [0, 1] (0 means: not the same word).

    Equal tokens 1.0; an initial against a word starting with it 0.9; otherwise
    the share of characters left unedited (to the power 1.5) (a transposition is one edit),
    within an edit budget that grows with length (none up to 3 characters, one
    at 4, two up to 11, three beyond: typing slips come in pairs); two words of 6+ characters with the same first
    letter and metaphone key, at most two edits apart (three from 9 characters),
    0.75 (Aleksandr / Alexander); for names transliterated from an abjad, equal consonant
    skeletons 0.8 (Mohammed / mhmd).
    """
    if a == b:
        return 1.0
    la, lb = len(a), len(b)
    if la == 1 or lb == 1:
        return INITIAL_SIM if a[0] == b[0] else 0.0
    longest = max(la, lb)
    budget = edit_budget(longest)
    sim = 0.0
    if budget:
        dist = OSA.distance(a, b, score_cutoff=budget)
        if dist <= budget:
            sim = (1.0 - dist / longest) ** 1.5
    if sim < PHONETIC_SIM and a[0] == b[0] and min(la, lb) >= 6 and not a.isdigit():
        edits = OSA.distance(a, b, score_cutoff=3)
        if (edits <= 2 or edits == 3 and min(la, lb) >= 9) and metaphone(a) == metaphone(b):
            sim = PHONETIC_SIM
    if abjad and sim < SKELETON_SIM:
        sa, sb = skeleton(a), skeleton(b)
        if sa == sb and len(sa) >= 2:
            sim = SKELETON_SIM
        elif len(sa) >= 4 and len(sb) >= 4:
            dist = OSA.distance(sa, sb, score_cutoff=1)
            if dist <= 1:
                sim = max(sim, SKELETON_SIM - 0.15)
    return sim
