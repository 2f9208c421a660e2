"""Crypto wallet lists and transfer tables (CSV).

There is no single published standard, so casewatch reads the two shapes that
block explorers, chain-analytics exports and investigators' spreadsheets share,
recognised by their header:

- wallet list: ``address``, ``currency`` (or ``chain`` / ``blockchain``),
  optional ``label`` / ``holder`` / ``owner``, ``source``;
- transfer table: ``from``, ``to``, ``asset`` (or ``currency`` / ``token``),
  ``amount``, ``time`` (ISO 8601 or Unix seconds), ``tx_hash`` (or ``hash``),
  optional ``chain``, ``log_index``.

Mapping: each address -> CryptoWallet ``crypto-<chain>-<address>`` (EVM
addresses lower-cased, as they are case-insensitive); each transfer -> Payment
``crypto-tx-<chain>-<hash>[-<log index>]`` with payer and beneficiary wallets,
amount, currency, date and ``transactionNumber`` = tx hash, plus the two
wallets. Address shapes are validated per chain (:func:`address_problem`);
an address that does not fit its chain quarantines the row.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path

from followthemoney import EntityProxy

from casewatch.ftm.model import make_entity
from casewatch.sources.base import Connector, Item, register
from casewatch.sources.fetch import fetched_at
from casewatch.sources.tabular import clean, dict_rows, open_text

B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
EVM = {"ETH", "ERC20", "BSC", "BNB", "BEP20", "MATIC", "POLYGON", "ARB", "ARBITRUM", "OP",
       "OPTIMISM", "AVAX", "BASE", "ETC", "USDC", "USDT-ERC20"}
CHAIN_ALIASES = {"BTC": "XBT", "BITCOIN": "XBT", "ETHEREUM": "ETH", "TRON": "TRX", "LITECOIN": "LTC",
                 "MONERO": "XMR", "SOLANA": "SOL", "USDT-TRC20": "TRX", "TRC20": "TRX"}
PATTERNS = {
    "XBT": re.compile(r"^(bc1[ac-hj-np-z02-9]{11,71}|[13][1-9A-HJ-NP-Za-km-z]{25,34})$"),
    "LTC": re.compile(r"^(ltc1[ac-hj-np-z02-9]{11,71}|[LM3][1-9A-HJ-NP-Za-km-z]{26,33})$"),
    "TRX": re.compile(r"^T[1-9A-HJ-NP-Za-km-z]{33}$"),
    "XMR": re.compile(r"^[48][1-9A-HJ-NP-Za-km-z]{94}$"),
    "SOL": re.compile(r"^[1-9A-HJ-NP-Za-km-z]{32,44}$"),
    "EVM": re.compile(r"^0x[0-9a-fA-F]{40}$"),
}


def chain_of(value: str) -> str:
    """A canonical chain/currency code (``BTC`` -> ``XBT`` as OFAC writes it)."""
    code = value.strip().upper()
    return CHAIN_ALIASES.get(code, code)


def _base58check(address: str) -> bool:
    num = 0
    for char in address:
        num = num * 58 + B58.index(char)
    raw = num.to_bytes(25, "big") if num.bit_length() <= 200 else b""
    if len(raw) != 25:
        return False
    return hashlib.sha256(hashlib.sha256(raw[:21]).digest()).digest()[:4] == raw[21:]


def address_problem(chain: str, address: str) -> str | None:
    """Why ``address`` is not a valid ``chain`` address, or None when it is (or the chain
    is one casewatch has no rule for: then only whitespace is refused)."""
    if not address or any(c.isspace() for c in address):
        return f"address {address!r} is empty or contains spaces"
    key = "EVM" if chain in EVM else chain
    pattern = PATTERNS.get(key)
    if pattern is None:
        return None
    if not pattern.match(address):
        return f"{address!r} is not a valid {chain} address"
    if key == "XBT" and address[0] in "13" and not _base58check(address):
        return f"{address!r} fails the Bitcoin base58check checksum"
    return None


def wallet(chain: str, address: str) -> EntityProxy:
    """The CryptoWallet entity for an address on a chain."""
    norm = address.lower() if chain in EVM else address
    return make_entity("CryptoWallet", id=f"crypto-{chain.lower()}-{norm}", publicKey=norm, currency=chain)


def parse_time(value: str) -> str:
    """ISO 8601 or Unix seconds -> ISO timestamp (UTC); raises ValueError."""
    value = value.strip()
    if re.fullmatch(r"\d{9,11}(\.\d+)?", value):
        return datetime.fromtimestamp(float(value), tz=UTC).strftime("%Y-%m-%dT%H:%M:%S")
    try:
        stamp = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"bad time {value!r}") from None
    if stamp.tzinfo is not None:
        stamp = stamp.astimezone(UTC)
    return stamp.strftime("%Y-%m-%dT%H:%M:%S")


def _pick(row: dict[str, str], *names: str) -> str | None:
    for name in names:
        if clean(row.get(name)):
            return clean(row.get(name))
    return None


def map_wallet(row: dict[str, str]) -> list[tuple[str, EntityProxy]]:
    address = _pick(row, "address", "wallet") or ""
    chain = chain_of(_pick(row, "currency", "chain", "blockchain") or "")
    if not chain:
        raise ValueError("currency/chain is empty")
    problem = address_problem(chain, address)
    if problem:
        raise ValueError(problem)
    entity = wallet(chain, address)
    label = _pick(row, "label", "name")
    if label:
        entity.add("name", label)
    note = _pick(row, "source", "notes")
    if note:
        entity.add("notes", note)
    out = [(f"wallet/{chain}/{entity.first('publicKey')}", entity)]
    holder_name = _pick(row, "holder", "owner")
    if holder_name:
        digest = hashlib.sha1(holder_name.casefold().encode()).hexdigest()[:16]
        holder = make_entity("LegalEntity", id=f"crypto-holder-{digest}", name=holder_name)
        entity.add("holder", holder.id)
        out.append((f"holder/{digest}", holder))
    return out


def map_transfer(row: dict[str, str]) -> list[tuple[str, EntityProxy]]:
    asset = chain_of(_pick(row, "asset", "currency", "token") or "")
    chain = chain_of(_pick(row, "chain", "blockchain") or asset)
    tx = _pick(row, "tx_hash", "hash", "transaction_hash")
    if not tx:
        raise ValueError("tx_hash is empty")
    if not asset:
        raise ValueError("asset is empty")
    ends = []
    for column in ("from", "to"):
        address = _pick(row, column, f"{column}_address") or ""
        problem = address_problem(chain, address)
        if problem:
            raise ValueError(f"{column}: {problem}")
        ends.append(wallet(chain, address))
    amount = _pick(row, "amount", "value") or ""
    try:
        float(amount)
    except ValueError:
        raise ValueError(f"amount {amount!r} is not a number") from None
    when = parse_time(_pick(row, "time", "timestamp", "block_time", "date") or "")
    suffix = f"-{row['log_index'].strip()}" if clean(row.get("log_index")) else ""
    payment = make_entity(
        "Payment",
        id=f"crypto-tx-{chain.lower()}-{tx}{suffix}",
        payer=ends[0].id,
        beneficiary=ends[1].id,
        amount=amount,
        currency=asset,
        date=when,
        transactionNumber=tx,
    )
    # The wallets seen in transfers get their own source ids, so that they never
    # overwrite the (richer) record of the same wallet from a wallet list.
    return [(f"tx/{chain}/{tx}{suffix}", payment)] + [
        (f"transfer-wallet/{chain}/{w.first('publicKey')}", w) for w in ends
    ]


@register
class CryptoConnector(Connector):
    """Crypto wallet lists and transfer tables."""

    name = "crypto"
    description = "Crypto wallet lists and transfer tables (CSV)"
    url = None

    def iter_items(self, paths: Sequence[Path]) -> Iterator[Item]:
        for path in paths:
            stamp = fetched_at(path)
            mapper = None
            with open_text(path, ".csv") as fh:
                for line, row, raw in dict_rows(fh):
                    if isinstance(row, str):
                        yield self.reject(path, line, row, raw)
                        continue
                    row = {k.strip().lower(): v for k, v in row.items()}
                    if mapper is None:
                        mapper = map_transfer if {"from", "to"} <= set(row) or "from_address" in row else map_wallet
                    try:
                        mapped = mapper(row)
                    except ValueError as exc:
                        yield self.reject(path, line, str(exc), raw)
                        continue
                    for source_id, entity in mapped:
                        yield self.record(entity, source_id, path=path, row=line, raw=raw, fetched_at=stamp)
