"""Name similarity over all aliases: token-aligned, weighted by how much each token says.

Each pair of aliases (query × candidate) is aligned token by token: the most
similar token pairs are matched first (so word order does not matter),
adjacent tokens joined on one side are merged when the other side writes them
as one word ("JSC ARGUMENT" / "JSCARGUMENT", "Xi Jin Ping" / "Xi Jinping").
The alias-pair score is the weighted share of matched evidence:

    sum(w * sim over matched pairs) / (sum(w over matched pairs)
        + QUERY_EXTRA_COST * w(unmatched query tokens)
        + CANDIDATE_EXTRA_COST * w(unmatched candidate tokens))

where ``w`` is a token's identity weight (rare long tokens 1.0, initials,
short and common tokens less; family names ×1.3). The best alias pair wins.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from casewatch.matching.compiled import Compiled
from casewatch.matching.features.tokens import (
    INITIAL_SIM,
    PHONETIC_SIM,
    SKELETON_SIM,
    token_similarity,
    token_weight,
)
from casewatch.matching.normalize import NormName, spelling_key

#: Whether a token is a known word of the watchlist's names (see ``CandidateIndex.known_word``).
Known = Callable[[str], bool]

QUERY_EXTRA_COST = 1.5
CANDIDATE_EXTRA_COST = 0.6
#: For organisations: a word of the watched name missing from the record costs in full
#: ("Diamond Fertilizers" is not "Diamond Venprom Fertilizers"); people drop middle names.
ORG_CANDIDATE_EXTRA_COST = 1.0
FAMILY_BOOST = 1.3
#: Matched evidence (in token weights) at which a name match counts as fully informative.
FULL_EVIDENCE = 1.0
#: Share of the weight difference between an initial and the full word it stands
#: for that counts as unexplained ("N. Raze" is weaker evidence than "Nivuta Raze").
INITIAL_REST = 0.25


@dataclass(frozen=True, slots=True)
class NameMatch:
    """The best alias pair: its score, matched evidence and the aliases themselves."""

    score: float = 0.0
    evidence: float = 0.0
    #: Token weight left unmatched on BOTH sides (the smaller side's): the names disagree.
    conflict: float = 0.0
    query: tuple[str, ...] = ()
    candidate: tuple[str, ...] = ()


NO_MATCH = NameMatch()


def _merge_joined(a: tuple[str, ...], other: frozenset[str]) -> tuple[str, ...]:
    """Merge adjacent tokens of ``a`` whose concatenation is a token of ``other``."""
    if len(a) < 2:
        return a
    out: list[str] = []
    i = 0
    while i < len(a):
        if i + 1 < len(a) and (a[i] not in other or a[i + 1] not in other) and (a[i] + a[i + 1]) in other:
            out.append(a[i] + a[i + 1])
            i += 2
        else:
            out.append(a[i])
            i += 1
    return tuple(out)


def _with_legal(tokens: tuple[str, ...], legal: tuple[str, ...], other: frozenset[str]) -> tuple[str, ...]:
    """Re-attach a legal form to a neighbouring token when the other side wrote them as one."""
    if not legal or not tokens:
        return tokens
    first, last = tokens[0], tokens[-1]
    for form in legal:
        if form + first in other:
            return (form + first, *tokens[1:])
        if last + form in other:
            return (*tokens[:-1], last + form)
    return tokens


def _prepare(q: NormName, c: NormName) -> tuple[tuple[str, ...], tuple[str, ...]]:
    qt, ct = q.tokens, c.tokens
    cs = frozenset(ct)
    qt2 = _with_legal(_merge_joined(qt, cs), q.legal_forms, cs)
    ct2 = _with_legal(_merge_joined(ct, frozenset(qt2)), c.legal_forms, frozenset(qt2))
    return qt2, ct2


def _weights(tokens: tuple[str, ...], family: tuple[str, ...]) -> list[float]:
    if not family:
        return [token_weight(t) for t in tokens]
    return [token_weight(t) * (FAMILY_BOOST if t in family else 1.0) for t in tokens]


def different_names(a: str, b: str, known: Known) -> bool:
    """Two unequal tokens that are both known names, not two spellings of one.

    "Andrea" and "Sandra", "Mark" and "Mary", "Hong" and "Kong" are each a slip
    or two apart, but when both are names many watched subjects carry, a record
    writing one of them means that name, not a typo of the other. Spellings of one
    name ("Yelena" / "Elena", "Tawfik" / "Tawfiq") share a ``spelling_key`` and stay alike.
    """
    return len(a) > 1 and len(b) > 1 and known(a) and known(b) and spelling_key(a) != spelling_key(b)


def _similarity(a: str, b: str, abjad: bool, known: Known | None) -> float:
    if a == b:
        return 1.0
    sim = token_similarity(a, b, abjad)
    if sim > 0.0 and known is not None and not abjad and different_names(a, b, known):
        return 0.0
    return sim


def _align_tokens(
    qt: tuple[str, ...], ct: tuple[str, ...], abjad: bool, family: tuple[str, ...],
    extra_cost: float = CANDIDATE_EXTRA_COST, known: Known | None = None,
) -> tuple[float, float, float]:
    """Score, matched evidence (weight of the matched tokens), and conflict: the weight
    of the tokens left over on both sides (the smaller of the two sums; 0 when one side
    has none left), or twice that of numbers left over on either side if more."""
    if len(qt) == 1 and len(ct) == 1:  # the common single-token case, without the pairing
        a, b = qt[0], ct[0]
        sim = _similarity(a, b, abjad, known)
        wa, wb = _weights(qt, family)[0], _weights(ct, family)[0]
        if sim == 0.0:
            return 0.0, 0.0, min(wa, wb)
        if sim == 1.0:
            return 1.0, min(wa, wb), 0.0
        if len(a) == 1 or len(b) == 1:
            w = min(wa, wb)
            return w * sim / (w + INITIAL_REST * abs(wa - wb)), w, 0.0
        return sim, max(wa, wb), 0.0
    pairs: list[tuple[float, int, int]] = []
    for i, a in enumerate(qt):
        for j, b in enumerate(ct):
            sim = _similarity(a, b, abjad, known)
            if sim > 0.0:
                pairs.append((sim, i, j))
    if not pairs:
        return 0.0, 0.0, min(sum(_weights(qt, family)), sum(_weights(ct, family)))
    if len(pairs) > 1:
        pairs.sort(reverse=True)
    wq, wc = _weights(qt, family), _weights(ct, family)
    free_q, free_c = [True] * len(qt), [True] * len(ct)
    num = den = matched = 0.0
    for sim, i, j in pairs:
        if not (free_q[i] and free_c[j]):
            continue
        free_q[i] = free_c[j] = False
        x, y = wq[i], wc[j]
        if sim == 1.0:
            w = x if x < y else y
        elif len(qt[i]) == 1 or len(ct[j]) == 1:  # an initial: proves little of the full word
            w = x if x < y else y
            den += INITIAL_REST * abs(x - y)
        else:  # a near-miss costs as much as the more informative side
            w = x if x > y else y
        num += w * sim
        den += w
        matched += w
    left_q = left_c = numbers = 0.0
    for i, free in enumerate(free_q):
        if free:
            left_q += wq[i]
            if qt[i].isdigit():
                numbers += wq[i]
    for j, free in enumerate(free_c):
        if free:
            left_c += wc[j]
            if ct[j].isdigit():
                numbers += wc[j]
    den += QUERY_EXTRA_COST * left_q + extra_cost * left_c
    # a number on one side only ("Royal Spirit 21" / "Royal Spirit") names another ship or firm
    conflict = max(left_q if left_q < left_c else left_c, 2.0 * numbers)
    if den <= 0.0:
        return 0.0, 0.0, conflict
    return num / den, matched, conflict


def align(
    q: NormName, c: NormName, family: tuple[str, ...], extra_cost: float = CANDIDATE_EXTRA_COST,
    known: Known | None = None,
) -> tuple[float, float, float]:
    """Score, matched evidence and conflict of one alias pair (see the module docstring)."""
    abjad = q.abjad or c.abjad
    if q.native or c.native:  # a transliteration's spelling tells no two names apart
        known = None
    score, evidence, conflict = _align_tokens(q.tokens, c.tokens, abjad, family, extra_cost, known)
    if score < 1.0 and (len(q.tokens) + len(c.tokens) > 2 or q.legal_forms or c.legal_forms):
        qt, ct = _prepare(q, c)
        if qt != q.tokens or ct != c.tokens:
            joined, joined_evidence, joined_conflict = _align_tokens(qt, ct, abjad, family, extra_cost, known)
            if joined > score:
                return joined, joined_evidence, joined_conflict
    return score, evidence, conflict


def best_name_match(q: Compiled, c: Compiled, known: Known | None = None) -> NameMatch:
    """The best-scoring alias pair between two compiled entities.

    With ``known`` (the watchlist's known name words), two different known names
    are not taken for a typo of each other (``different_names``)."""
    best = NO_MATCH
    family = q.family + c.family if c.family else q.family
    cost = ORG_CANDIDATE_EXTRA_COST if c.org else CANDIDATE_EXTRA_COST
    if len(q.aliases) == 1 and len(c.aliases) == 1:
        qa, ca = q.aliases[0], c.aliases[0]
        score, evidence, conflict = align(qa, ca, family, cost, known)
        return NameMatch(score, evidence, conflict, qa.tokens, ca.tokens) if score > 0.0 else NO_MATCH
    for qa in q.aliases:
        for ca in c.aliases:
            score, evidence, conflict = align(qa, ca, family, cost, known)
            if score > best.score or (score == best.score and evidence > best.evidence):
                best = NameMatch(score, evidence, conflict, qa.tokens, ca.tokens)
                if score >= 1.0 and evidence >= FULL_EVIDENCE:
                    return best
    return best


#: The smallest identity weight a token can have (an initial, see ``token_weight``).
MIN_WEIGHT = 0.3
#: The best similarity of two unequal tokens, the longer of ``n`` characters (not counting initials).
_SIGMA = tuple(max(SKELETON_SIM, PHONETIC_SIM, (1.0 - 1.0 / n) ** 1.5) if n else 1.0 for n in range(64))


def _tokens_upper(qt: tuple[str, ...], ct: tuple[str, ...], family: tuple[str, ...]) -> float:
    """An upper bound on ``_align_tokens(qt, ct, ...)``'s score, without pairing tokens.

    The score is a weighted mean of 1 (exactly equal pairs, weight A), the
    near-miss similarities (each at most ``sigma``) and 0 (the unmatched costs),
    so it is at most (A + sigma * K) / (A + K) for any A' >= A and any K at most the
    near-miss and unmatched weight. A' sums the query tokens present on the other
    side; K counts every query token absent there (its weight, or when initials
    are about, the least an initial pairing costs) plus the candidate tokens that
    must stay unmatched. sigma is the best similarity two unequal tokens can get.
    """
    if not qt or not ct:
        return 0.0
    lq, lc = list(map(len, qt)), list(map(len, ct))
    initials = 1 in lq or 1 in lc
    longest = max(max(lq), max(lc))
    sigma = _SIGMA[longest] if longest < len(_SIGMA) else max(_SIGMA[-1], (1.0 - 1.0 / longest) ** 1.5)
    if initials and sigma < INITIAL_SIM:
        sigma = INITIAL_SIM
    exact = missing = 0.0
    for t in qt:
        x = token_weight(t) * (FAMILY_BOOST if t in family else 1.0)
        if t in ct:
            exact += x
        elif initials:  # an initial pairing: min(x, y) + INITIAL_REST * |x - y|, y >= MIN_WEIGHT
            missing += INITIAL_REST * x + (1.0 - INITIAL_REST) * MIN_WEIGHT
        else:
            missing += x
    if len(ct) > len(qt):
        missing += CANDIDATE_EXTRA_COST * MIN_WEIGHT * (len(ct) - len(qt))
    if exact + missing <= 0.0:
        return 1.0
    return (exact + sigma * missing) / (exact + missing)


def name_upper_bound(q: Compiled, c: Compiled, need: float) -> float:
    """An upper bound on ``best_name_match(q, c).score``; stops once it reaches ``need``.

    Both alignments ``align`` may return (the tokens as written, and with joined
    words and legal forms re-attached) are bounded by :func:`_tokens_upper`.
    """
    if need <= SKELETON_SIM:  # _tokens_upper never says less than sigma (>= SKELETON_SIM) for names
        return 1.0
    family = q.family + c.family if c.family else q.family
    best = 0.0
    for qa in q.aliases:
        for ca in c.aliases:
            bound = _tokens_upper(qa.tokens, ca.tokens, family)
            if bound < need and (len(qa.tokens) + len(ca.tokens) > 2 or qa.legal_forms or ca.legal_forms):
                qt, ct = _prepare(qa, ca)
                if qt != qa.tokens or ct != ca.tokens:
                    bound = max(bound, _tokens_upper(qt, ct, family))
            if bound > best:
                best = bound
                if best >= need:
                    return best
    return best
