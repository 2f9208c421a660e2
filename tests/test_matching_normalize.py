"""Normalisation: scripts, legal forms, initials, joined words, bad input."""

from __future__ import annotations

import time

from hypothesis import given, settings
from hypothesis import strategies as st

from casewatch.matching.normalize import (
    MAX_TOKENS,
    normalize_crypto,
    normalize_identifier,
    normalize_name,
    skeleton,
)


def tokens(name: str, org: bool = False) -> tuple[str, ...]:
    norm = normalize_name(name, org=org)
    return norm.tokens if norm else ()


def test_case_and_accents_fold() -> None:
    assert tokens("MÜLLER, José") == ("muller", "jose")


def test_transliteration_of_many_scripts() -> None:
    assert tokens("Владимир Путин") == ("vladimir", "putin")
    assert tokens("Σωκράτης") == ("sokrates",) or tokens("Σωκράτης")[0].startswith("sokrat")
    assert tokens("习近平") == ("xi", "jin", "ping")
    assert tokens("नरेन्द्र मोदी") == ("narendra", "modi")
    assert tokens("მიხეილ სააკაშვილი") == ("mikheil", "saakashvili")
    assert tokens("Սերժ Սարգսյան") == ("serzh", "sargsyan")
    arabic = normalize_name("محمد بن سلمان")
    assert arabic is not None and arabic.abjad and arabic.tokens[0] == "mhmd"
    hebrew = normalize_name("בנימין נתניהו")
    assert hebrew is not None and hebrew.abjad and all(t.isascii() for t in hebrew.tokens)


def test_persian_zero_width_non_joiner_stays_inside_the_word() -> None:
    assert len(tokens("احمدی‌نژاد")) == 1


def test_legal_forms_are_canonical_and_kept_apart() -> None:
    a = normalize_name("ACME Trading Ltd", org=True)
    b = normalize_name("Acme Trading Limited", org=True)
    assert a is not None and b is not None
    assert a.tokens == b.tokens == ("acme", "trading")
    assert a.legal == b.legal and a.legal
    ooo = normalize_name("ООО Ромашка", org=True)
    llc = normalize_name("Romashka LLC", org=True)
    assert ooo is not None and llc is not None
    assert ooo.tokens == llc.tokens == ("romashka",) and ooo.legal == llc.legal


def test_a_name_that_is_only_a_legal_form_keeps_it() -> None:
    assert tokens("Limited", org=True) == ("limited",)


def test_persons_keep_initials_and_drop_titles() -> None:
    assert tokens("Mr. J.R.R. Tolkien") == ("j", "r", "r", "tolkien")
    assert tokens("O'Brien") == ("obrien",)


def test_bad_input_gives_nothing_or_bounded_output() -> None:
    for bad in ("", "   ", "!!!", "\x00\x01\x1f", "—–-"):
        assert normalize_name(bad) is None
    assert tokens("12345") == ("12345",)
    long = normalize_name("abc " * 10_000)
    assert long is not None and len(long.tokens) <= MAX_TOKENS
    assert normalize_name(None) is None  # type: ignore[arg-type]


def test_identifiers_and_crypto() -> None:
    assert normalize_identifier("IMO 9.123.456") == "IMO9123456"
    assert normalize_crypto(" 0xABCdef0123 ") == "0xabcdef0123"
    assert normalize_crypto("1BoatSLRHtKNngkdXEeobR76b53LETtpyT") == "1BoatSLRHtKNngkdXEeobR76b53LETtpyT"


def test_skeleton_bridges_abjad_spellings() -> None:
    assert skeleton("mohammed") == skeleton("muhammad") == skeleton("mhmd")


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400), st.booleans())
def test_normalisation_never_fails_and_is_bounded(text: str, org: bool) -> None:
    start = time.perf_counter()
    norm = normalize_name(text, org=org)
    assert time.perf_counter() - start < 1.0
    if norm is not None:
        assert 0 < len(norm.tokens) <= MAX_TOKENS
        assert all(t and t.isascii() and t.isalnum() for t in norm.tokens)
        assert all(t == t.lower() for t in norm.tokens)
