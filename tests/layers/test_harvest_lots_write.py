"""layers/write/lots: register, correct (If-Match, whitelist), recall, history, and the refusals
growing areas use (400 a field, 403 another cooperative, 409 recalled, 412 stale, 422 rule and
where), through the real database."""
from __future__ import annotations

import asyncio
from datetime import timedelta

import psycopg
import pytest
from sqlalchemy import text

from layers.db.engines import async_engine
from layers.write.accounts import User
from layers.write.growing.errors import BadBody, Conflict, Forbidden, RuleFailure, Stale
from layers.write.lots import access, correct, history, read, recall, register
from layers.write.lots.session import writing
from tests.layers.test_harvest_lots import farm  # noqa: F401  (fixture)

HTX, OTHER = User("htx-a", "cooperative", ()), User("htx-b", "cooperative", ())


@pytest.fixture
def lots(demo_db, settings, farm):  # noqa: F811
    with psycopg.connect(demo_db) as conn:
        conn.execute("INSERT INTO private.users (name, role, cooperative_id) VALUES ('htx-a', 'cooperative', %s), "
                     "('htx-b', 'cooperative', %s), ('staff', 'province_staff', NULL)",
                     (farm["coop"], farm["other_coop"]))

    def run(user, work):
        async def go():
            engine = async_engine(settings, demo_db)
            try:
                async with writing(engine, user.name) as conn:
                    return await work(conn)
            finally:
                await engine.dispose()
        return asyncio.run(go())
    run.url = demo_db
    return run


def body(farm, **over) -> dict:
    values = {"product_id": farm["product"], "lot_code": "CV-2026/11", "quantity": 1200.5, "unit": "kg",
              "harvest_date": farm["day"].isoformat(), "growing_area_ids": farm["areas"]}
    return {**values, **over}


def create(lots, farm, user=HTX, **over) -> int:
    return lots(user, lambda c: register.create(c, user, body(farm, **over)))


def test_register_a_lot_from_two_areas(lots, farm):
    lot = create(lots, farm)
    record = lots(HTX, lambda c: read.record(c, lot))
    assert record["status"] == "active" and record["row_version"] == 1 and float(record["quantity"]) == 1200.5
    assert record["growing_area_ids"] == sorted(farm["areas"]) and record["created_by"] == "htx-a"
    areas = lots(HTX, lambda c: read.areas(c, lot))
    assert [(a["status_at_harvest"], a["status_now"]) for a in areas] == [("granted", "granted")] * 2
    entries = lots(HTX, lambda c: history.entries(c, lot, full=True))
    assert [e["action"] for e in entries] == ["create"]
    assert entries[0]["changed_by"] == "htx-a" and entries[0]["areas_added"] == sorted(farm["areas"])
    public = lots(HTX, lambda c: history.entries(c, lot, full=False))
    assert "changed_by" not in public[0] and "private_quantity" not in public[0]


@pytest.mark.parametrize("over, field", [
    ({"status": "recalled"}, "status"), ({"cooperative_id": 1}, "cooperative_id"), ({"colour": "red"}, "colour"),
    ({"lot_code": "Lô-01"}, "lot_code"), ({"quantity": 0}, "quantity"), ({"quantity": "lots"}, "quantity"),
    ({"unit": "litre"}, "unit"), ({"harvest_date": "05/12/2026"}, "harvest_date"),
    ({"growing_area_ids": []}, "growing_area_ids"), ({"product_id": None}, "product_id"),
])
def test_a_bad_field_is_a_400_naming_it(lots, farm, over, field):
    with pytest.raises(BadBody, match=field):
        create(lots, farm, **over)


def test_only_the_lots_cooperative_writes_it(lots, farm):
    with pytest.raises(Forbidden):
        create(lots, farm, user=User("staff", "province_staff", ("40",)))
    lot = create(lots, farm)
    with pytest.raises(Forbidden):
        lots(OTHER, lambda c: correct.correct(c, OTHER, lot, {"quantity": 5}, None))
    with pytest.raises(Forbidden):
        lots(OTHER, lambda c: recall.recall(c, OTHER, lot, "mine now", None))


def test_rules_are_422s_naming_the_rule_and_where(lots, farm):
    with pytest.raises(RuleFailure) as exc:
        create(lots, farm, growing_area_ids=[farm["areas"][0], farm["other_area"]])
    [problem] = exc.value.problems
    assert problem.rule == "area_cooperative" and problem.where["type"] in ("Polygon", "MultiPolygon")
    with pytest.raises(RuleFailure) as exc:
        create(lots, farm, product_id=farm["other_product"])
    assert [p.rule for p in exc.value.problems] == ["product_cooperative"]
    with pytest.raises(RuleFailure) as exc:
        create(lots, farm, harvest_date=(farm["today"] + timedelta(days=2)).isoformat())
    assert [p.rule for p in exc.value.problems] == ["harvest_date"]
    with pytest.raises(RuleFailure) as exc:
        create(lots, farm, certification="VietGAP", certification_valid_from=(farm["day"] + timedelta(days=1)).isoformat(),
               certification_valid_to=(farm["day"] + timedelta(days=300)).isoformat())
    assert [p.rule for p in exc.value.problems] == ["certified_harvest"]
    # Revoked after the harvest of a first lot: a harvest today is refused naming it.
    create(lots, farm)
    with psycopg.connect(lots.url) as conn:
        conn.execute("UPDATE growing_areas SET status = 'revoked' WHERE id = %s", (farm["areas"][0],))
    with pytest.raises(RuleFailure) as exc:
        create(lots, farm, lot_code="NOW", harvest_date=farm["today"].isoformat())
    assert [p.rule for p in exc.value.problems] == ["area_not_granted"] and "revoked" in exc.value.problems[0].message


def test_a_duplicate_lot_code_is_a_conflict(lots, farm):
    create(lots, farm)
    with pytest.raises(Conflict):
        create(lots, farm)


def test_correct_with_if_match_and_history(lots, farm):
    lot = create(lots, farm, growing_area_ids=[farm["areas"][0]])
    with pytest.raises(Stale):
        lots(HTX, lambda c: correct.correct(c, HTX, lot, {"quantity": 5}, access.etag(lot, 7)))
    with pytest.raises(BadBody, match="lot_code"):
        lots(HTX, lambda c: correct.correct(c, HTX, lot, {"lot_code": "NEW"}, access.etag(lot, 1)))
    version = lots(HTX, lambda c: correct.correct(
        c, HTX, lot, {"quantity": 900, "confidential_quantity": True, "growing_area_ids": farm["areas"][1:]},
        access.etag(lot, 1)))
    assert version == 2
    record = lots(HTX, lambda c: read.record(c, lot))
    assert float(record["quantity"]) == 900 and record["growing_area_ids"] == farm["areas"][1:]
    with psycopg.connect(lots.url) as conn:
        assert conn.execute("SELECT quantity FROM harvest_lots WHERE id = %s", (lot,)).fetchone()[0] is None
    entries = lots(HTX, lambda c: history.entries(c, lot, full=True))
    assert [e["action"] for e in entries] == ["create", "correct"]
    fix = entries[1]
    assert fix["areas_added"] == farm["areas"][1:] and fix["areas_removed"] == farm["areas"][:1]
    assert {"quantity", "confidential_quantity"} <= set(fix["changed"])
    assert float(fix["private_quantity"]["after"]) == 900
    public = lots(HTX, lambda c: history.entries(c, lot, full=False))
    assert "900" not in repr(public)
    # The ETag seen before the correction is stale now.
    with pytest.raises(Stale):
        lots(HTX, lambda c: correct.correct(c, HTX, lot, {"quantity": 1}, access.etag(lot, 1)))


def test_recall_is_final(lots, farm):
    lot = create(lots, farm)
    with pytest.raises(BadBody, match="recall_reason"):
        lots(HTX, lambda c: recall.recall(c, HTX, lot, "  ", None))
    with pytest.raises(Stale):
        lots(HTX, lambda c: recall.recall(c, HTX, lot, "dư lượng thuốc", access.etag(lot, 4)))
    assert lots(HTX, lambda c: recall.recall(c, HTX, lot, "dư lượng thuốc", access.etag(lot, 1))) == 2
    with pytest.raises(Conflict):
        lots(HTX, lambda c: correct.correct(c, HTX, lot, {"quantity": 5}, None))
    with pytest.raises(Conflict):
        lots(HTX, lambda c: recall.recall(c, HTX, lot, "again", None))
    entries = lots(HTX, lambda c: history.entries(c, lot, full=False))
    assert [e["action"] for e in entries] == ["create", "recall"]
    assert entries[1]["after"]["recall_reason"] == "dư lượng thuốc"


def test_database_refusals_at_commit_become_the_same_errors(lots, farm):
    """A path around the checks (raw SQL inside `writing`) meets the database's rules as 422/409."""
    async def bare_lot(conn):
        await conn.execute(text(
            "INSERT INTO harvest_lots (cooperative_id, product_id, lot_code, quantity, unit, harvest_date) "
            "VALUES (:c, :p, 'BARE', 1, 'kg', :d)"), {"c": farm["coop"], "p": farm["product"], "d": farm["day"]})
    with pytest.raises(RuleFailure) as exc:
        lots(HTX, bare_lot)
    assert [p.rule for p in exc.value.problems] == ["no_area"]
    lot = create(lots, farm)

    async def delete(conn):
        await conn.execute(text("DELETE FROM harvest_lots WHERE id = :id"), {"id": lot})
    with pytest.raises(Conflict):
        lots(HTX, delete)


def test_a_correction_keeps_the_harvest_before_the_registration(lots, farm):
    lot = create(lots, farm)
    with psycopg.connect(lots.url) as conn:  # registered on the harvest day
        conn.execute("UPDATE harvest_lots SET created_at = %s::date + time '12:00' AT TIME ZONE 'Asia/Ho_Chi_Minh' "
                     "WHERE id = %s", (farm["day"], lot))
    later = (farm["day"] + timedelta(days=1)).isoformat()
    with pytest.raises(RuleFailure) as exc:
        lots(HTX, lambda c: correct.correct(c, HTX, lot, {"harvest_date": later}, None))
    assert [p.rule for p in exc.value.problems] == ["harvest_date"] and "registered" in exc.value.problems[0].message
