"""Identifiers with real check digits: IMO numbers, LEIs, OGRNs, INNs, crypto addresses.

Everything is drawn from a ``random.Random`` so that a seed fixes the output.
Crypto addresses are well-formed (Base58Check for Bitcoin P2PKH/P2SH and Tron,
Bech32 for Bitcoin SegWit, hex for Ethereum) but are random bytes: they are not
anyone's wallet.
"""

from __future__ import annotations

import hashlib
import random
import string

B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
ALNUM = string.digits + string.ascii_uppercase


def imo_check_digit(first6: str) -> int:
    """IMO check digit: sum of the first six digits times 7..2, modulo 10."""
    return sum(int(d) * w for d, w in zip(first6, range(7, 1, -1), strict=True)) % 10


def is_valid_imo(value: str) -> bool:
    """True for "IMO1234567"/"1234567" whose seventh digit is the IMO check digit."""
    digits = value.upper().removeprefix("IMO").strip()
    return len(digits) == 7 and digits.isdigit() and imo_check_digit(digits[:6]) == int(digits[6])


def imo_number(index: int, seed: int) -> str:
    """A unique, valid IMO number for vessel ``index``: a seeded bijection onto 6-digit stems.

    The first 300,000 vessels get stems 700000–999999 (ships built since the 1970s
    carry IMO numbers starting 7, 8 or 9); beyond that, stems 100000–699999.
    """
    mult, span = 7919, 300_000
    if index < span:
        stem = 700_000 + (index * mult + seed * 104_729) % span
    else:
        stem = 100_000 + ((index - span) * mult + seed * 104_729) % 600_000
    first6 = str(stem)
    return f"IMO{first6}{imo_check_digit(first6)}"


def lei(rng: random.Random) -> str:
    """A Legal Entity Identifier with valid ISO 17442 (mod 97) check digits."""
    body = "".join(rng.choices(string.digits, k=4)) + "00" + "".join(rng.choices(ALNUM, k=12))
    number = int("".join(str(int(c, 36)) for c in body + "00"))
    return f"{body}{98 - number % 97:02d}"


def ogrn(rng: random.Random) -> str:
    """A Russian OGRN (13 digits; last = first twelve modulo 11, modulo 10)."""
    first = "1" + "".join(rng.choices(string.digits, k=11))
    return first + str(int(first) % 11 % 10)


def inn10(rng: random.Random) -> str:
    """A Russian company INN (10 digits with its weighted check digit)."""
    first = "77" + "".join(rng.choices(string.digits, k=7))
    weights = (2, 4, 10, 3, 5, 9, 4, 6, 8)
    check = sum(int(d) * w for d, w in zip(first, weights, strict=True)) % 11 % 10
    return first + str(check)


def luhn_digits(rng: random.Random, n: int) -> str:
    """``n`` digits whose last one is a Luhn check digit (French SIREN)."""
    body = [rng.randrange(10) for _ in range(n - 1)]
    total = 0
    for i, d in enumerate(reversed(body)):
        d2 = d * 2 if i % 2 == 0 else d
        total += d2 - 9 if d2 > 9 else d2
    return "".join(map(str, body)) + str((10 - total % 10) % 10)


def _b58check(payload: bytes) -> str:
    data = payload + hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4]
    num = int.from_bytes(data, "big")
    out = []
    while num:
        num, rem = divmod(num, 58)
        out.append(B58[rem])
    pad = len(data) - len(data.lstrip(b"\0"))
    return "1" * pad + "".join(reversed(out))


def _bech32_polymod(values: list[int]) -> int:
    gen = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
    chk = 1
    for v in values:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ v
        for i in range(5):
            chk ^= gen[i] if (top >> i) & 1 else 0
    return chk


def _bech32_segwit(program: bytes) -> str:
    hrp = "bc"
    bits = int.from_bytes(program, "big")
    nbits = len(program) * 8
    data = [0] + [(bits >> (nbits - 5 * (i + 1))) & 31 for i in range(nbits // 5)]
    expand = [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]
    poly = _bech32_polymod(expand + data + [0] * 6) ^ 1
    checksum = [(poly >> 5 * (5 - i)) & 31 for i in range(6)]
    return hrp + "1" + "".join(BECH32[d] for d in data + checksum)


def crypto_address(rng: random.Random, currency: str) -> str:
    """A well-formed address for ``currency`` (BTC, ETH, USDT-TRC20 / TRX), from seeded bytes."""
    key = rng.getrandbits(160).to_bytes(20, "big")
    if currency == "BTC":
        kind = rng.random()
        if kind < 0.45:
            return _b58check(b"\x00" + key)
        if kind < 0.6:
            return _b58check(b"\x05" + key)
        return _bech32_segwit(key)
    if currency in ("TRX", "USDT"):
        return _b58check(b"\x41" + key)
    return "0x" + key.hex()


def lookalike_address(address: str, rng: random.Random) -> str:
    """An "address poisoning" lookalike: same first and last four characters, middle redrawn."""
    alphabet = "0123456789abcdef" if address.startswith("0x") else B58
    head, tail = (6, 4) if address.startswith("0x") else (4, 4)
    middle = "".join(rng.choices(alphabet, k=len(address) - head - tail))
    return address[:head] + middle + address[-tail:]
