"""CourtListener, crypto, PatentsView, AMS and property-deeds connectors."""

from __future__ import annotations

from pathlib import Path

import pytest

from casewatch.errors import CasewatchError
from casewatch.sources import read_source
from casewatch.sources.crypto import address_problem
from tests.sources_util import FIXTURES, by_id, rejected_rows, split

CL = FIXTURES / "courtlistener"
CRYPTO = FIXTURES / "crypto"
AMS = sorted((FIXTURES / "ams").glob("*.csv"))


def test_courtlistener_dockets_and_parties() -> None:
    records, rejected = split(read_source("courtlistener", [CL / "dockets.json", CL / "parties.jsonl"]))
    ids = by_id(records)
    case = ids["courtlistener-docket-68571234"].entity
    assert case.schema.name == "CourtCase"
    assert case.get("caseNumber") == ["1:24-cr-00417"] and case.get("court") == ["nysd"]
    assert case.get("fileDate") == ["2024-07-15"]
    assert ids["courtlistener-party-9001"].entity.schema.name == "Company"
    assert ids["courtlistener-party-9002"].entity.schema.name == "LegalEntity"
    link = ids["courtlistener-party-9100-68571234-interested-party"].entity
    assert link.schema.name == "CourtCaseParty" and link.get("case") == ["courtlistener-docket-68571234"]
    assert link.get("role") == ["Interested Party"]
    assert "courtlistener-docket-68571400" in ids
    by_file = {(Path(r.path).name, r.row): r.reason for r in rejected}
    assert by_file == {
        ("dockets.json", 2): "docket 68571300 has no case_name",
        ("dockets.json", 3): "date_filed: bad date '2024-02-30'",
        ("parties.jsonl", 2): "party without a name",
        ("parties.jsonl", 3): by_file[("parties.jsonl", 3)],
    }
    assert by_file[("parties.jsonl", 3)].startswith("invalid JSON")


def test_crypto_wallets_and_transfers() -> None:
    records, rejected = split(read_source("crypto", [CRYPTO / "wallets.csv", CRYPTO / "transfers.csv"]))
    ids = by_id(records)
    btc = ids["crypto-xbt-1BoatSLRHtKNngkdXEeobR76b53LETtpyT"].entity
    assert btc.schema.name == "CryptoWallet" and btc.get("currency") == ["XBT"]
    eth = "crypto-eth-0x8576acc5c05d6ce88f4e49bf65bdf0c62f91353c"
    assert ids[eth].entity.get("publicKey") == ["0x8576acc5c05d6ce88f4e49bf65bdf0c62f91353c"]
    tron = ids["crypto-trx-TJCnKsPa7y5okkXvQAidZBzqx3QyQ6sxMW"].entity
    holder = [r.entity for r in records if r.entity.schema.name == "LegalEntity"][0]
    assert tron.get("holder") == [holder.id] and holder.get("name") == ["Nordwind Trading Limited"]
    pay = ids["crypto-tx-eth-0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060-7"].entity
    assert pay.schema.name == "Payment"
    assert pay.get("payer") == [eth] and pay.get("currency") == ["USDT"]
    assert pay.get("amount") == ["15000.50"] and pay.get("date") == ["2024-05-01T12:30:00"]
    unix = [r.entity for r in records if r.entity.id and r.entity.id.endswith("22061")][0]
    assert unix.get("date") == ["2024-05-01T12:30:00"]
    wallet_sources = {r.source_id for r in records if r.entity.id == eth}
    assert wallet_sources == {"wallet/ETH/0x8576acc5c05d6ce88f4e49bf65bdf0c62f91353c",
                              "transfer-wallet/ETH/0x8576acc5c05d6ce88f4e49bf65bdf0c62f91353c"}
    reasons = {(Path(r.path).name, r.row): r.reason for r in rejected}
    assert reasons[("wallets.csv", 6)].endswith("fails the Bitcoin base58check checksum")
    assert reasons[("wallets.csv", 7)] == "'0x12345' is not a valid ETH address"
    assert reasons[("wallets.csv", 8)].startswith("address '' is empty")
    assert reasons[("transfers.csv", 4)] == "to: 'not-an-address' is not a valid ETH address"
    assert reasons[("transfers.csv", 5)] == "amount 'lots' is not a number"
    assert reasons[("transfers.csv", 6)] == "bad time 'yesterday'"
    assert reasons[("transfers.csv", 7)] == "expected 8 columns, found 2"
    assert len(rejected) == 7


@pytest.mark.parametrize(
    ("chain", "address", "ok"),
    [
        ("XBT", "1BoatSLRHtKNngkdXEeobR76b53LETtpyT", True),
        ("XBT", "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", True),
        ("XBT", "0x8576acc5c05d6ce88f4e49bf65bdf0c62f91353c", False),
        ("ETH", "0x8576acc5c05d6ce88f4e49bf65bdf0c62f91353c", True),
        ("ETH", "0x8576acc5c05d6ce88f4e49bf65bdf0c62f91353", False),
        ("TRX", "TJCnKsPa7y5okkXvQAidZBzqx3QyQ6sxMW", True),
        ("TRX", "XJCnKsPa7y5okkXvQAidZBzqx3QyQ6sxMW", False),
        ("NEWCOIN", "anything-goes", True),
        ("NEWCOIN", "has space", False),
    ],
)
def test_address_shapes(chain: str, address: str, ok: bool) -> None:
    assert (address_problem(chain, address) is None) is ok


def test_patentsview_assignees() -> None:
    path = FIXTURES / "patentsview" / "g_assignee_disambiguated.tsv"
    records, rejected = split(read_source("patentsview", [path]))
    ids = by_id(records)
    patent = ids["patentsview-patent-11234567"].entity
    assert patent.schema.name == "Asset" and patent.get("name") == ["US patent 11234567"]
    org = ids["patentsview-assignee-a1b2c3d4-0001-4e5f-8a9b-000000000001"].entity
    assert org.schema.name == "Company"
    person = ids["patentsview-assignee-a1b2c3d4-0002-4e5f-8a9b-000000000002"].entity
    assert person.schema.name == "Person" and person.get("lastName") == ["Garcia Lopez"]
    own = ids["patentsview-11234567-a1b2c3d4-0001-4e5f-8a9b-000000000001"].entity
    assert own.get("owner") == [org.id] and own.get("asset") == [patent.id]
    assert rejected_rows(rejected) == {
        5: "patent_id is empty",
        6: "patent 11234570: assignee has neither an organization nor a person name",
        7: "expected 8 columns, found 2",
    }


def test_ams_joins_tables_into_shipments() -> None:
    records, rejected = split(read_source("ams", AMS))
    ids = by_id(records)
    ship = ids["ams-2024051500001"].entity
    assert ship.schema.name == "Shipment"
    assert ship.get("billOfLading") == ["NWTL240501"]
    assert set(ship.get("hsCode")) == {"850760", "850440"}
    assert ship.get("date") == ["2024-05-15"] and ship.get("weight") == ["9999.9"]
    assert ship.get("portOfLoading") == ["Yantian,China (Mainland)"]
    shipper = ids[ship.first("shipper")].entity
    consignee = ids[ship.first("consignee")].entity
    notify = ids[ship.first("notifyParty")].entity
    assert shipper.get("name") == ["SHENZHEN EXAMPLE ELECTRONICS CO LTD"]  # from a pipe-delimited table
    assert consignee.get("name") == ["Nordwind Trading Limited"] and consignee.get("country") == ["gb"]
    assert notify.get("name") == ["SEAGATE LOGISTICS LLP"]
    vessel = ids[ship.first("vessel")].entity
    assert vessel.schema.name == "Vessel" and vessel.get("imoNumber") == ["IMO9187629"]
    # the same company as consignee of one bill and shipper of another is one entity id
    assert ids["ams-2024051500002"].entity.first("shipper") == consignee.id
    reasons = {(Path(r.path).name.split("_")[2], r.row): r.reason for r in rejected}
    assert reasons == {
        ("notifyparty", 3): "identifier is empty",
        ("header", 4): "estimated_arrival_date: bad date '2024-13-01'",
        ("header", 5): "identifier is empty",
        ("header", 6): "expected 34 columns, found 2",
    }


def test_ams_needs_a_header_table() -> None:
    with pytest.raises(CasewatchError, match="no header table"):
        list(read_source("ams", [p for p in AMS if "header" not in p.name]))


def test_property_deeds_builtin_mapping() -> None:
    records, rejected = split(read_source("property", [FIXTURES / "property" / "deeds.csv"]))
    schemas = [r.entity.schema.name for r in records if r.row == 2]
    assert sorted(schemas) == ["LegalEntity", "LegalEntity", "Ownership", "Ownership", "Payment", "RealEstate"]
    parcel = next(r.entity for r in records if r.entity.schema.name == "RealEstate")
    assert parcel.get("cadastralCode") == ["12-34-567-890"]
    assert parcel.get("address") == ["100 Harbor View Dr, Miami, FL 33131"]
    sale = next(r.entity for r in records if r.entity.schema.name == "Payment")
    assert sale.get("amount") == ["4250000"] and sale.get("date") == ["2024-03-15"]
    owners = {r.entity.first("role"): r.entity for r in records if r.row == 2 and r.entity.schema.name == "Ownership"}
    assert owners["grantee"].get("asset") == [parcel.id] and owners["grantee"].get("startDate") == ["2024-03-15"]
    assert records[0].source == "property"
    assert rejected_rows(rejected) == {
        4: "entities.previous_owner.properties.endDate: '2024-13-40' is not a valid date",
        5: "entities.grantee.properties.name: required value is empty",
        6: "expected 11 columns, found 4",
    }
