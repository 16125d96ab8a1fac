"""Harvest lots' rules are the database's (migration 0011): raw SQL that bypasses layers/write
meets them all. Cooperative accounts, GTIN check digits, lot codes, dates, certification,
areas of the lot's cooperative granted on the harvest date (recorded, "then and now"),
confidential quantities kept private, recalled lots frozen, history of every change."""
from __future__ import annotations

import random
from datetime import date, timedelta

import psycopg
import pytest
from psycopg import errors

from geo import gs1
from tests.support import scalar

LOT = ("INSERT INTO harvest_lots (cooperative_id, product_id, lot_code, quantity, unit, harvest_date, "
       "confidential_quantity, certification, certification_valid_from, certification_valid_to) "
       "VALUES (%(coop)s, %(product)s, %(code)s, %(quantity)s, %(unit)s, %(day)s, %(confidential)s, "
       "%(cert)s, %(cert_from)s, %(cert_to)s) RETURNING id")
LINK = "INSERT INTO harvest_lot_areas (lot_id, growing_area_id) VALUES (%s, %s) RETURNING status_at_harvest"


def vn_today(conn) -> date:
    return scalar(conn, "SELECT (now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date")


@pytest.fixture
def farm(demo_db) -> dict:
    """A cooperative with an OCOP product and two areas granted 30 days ago and still valid;
    another cooperative with a product and a granted area; the harvest date ten days ago."""
    with psycopg.connect(demo_db) as conn:
        today = vn_today(conn)
        granted = ("SELECT g.cooperative_id, array_agg(g.id ORDER BY g.id) FROM growing_areas g "
                   "WHERE g.status = 'granted' AND g.valid_from <= %s AND g.valid_to > %s "
                   "AND EXISTS (SELECT 1 FROM ocop_products p WHERE p.cooperative_id = g.cooperative_id) "
                   "GROUP BY 1 HAVING count(*) >= %s ORDER BY 1")
        rows = conn.execute(granted, (today - timedelta(days=30), today, 1)).fetchall()
        mine = next(r for r in rows if len(r[1]) >= 2)
        other = next(r for r in rows if r[0] != mine[0])
        product = lambda coop: scalar(conn, "SELECT min(id) FROM ocop_products WHERE cooperative_id = %s", coop)
        revoked = scalar(conn, "SELECT min(id) FROM growing_areas WHERE status = 'revoked' AND cooperative_id IS NOT NULL")
        revoked_coop = scalar(conn, "SELECT cooperative_id FROM growing_areas WHERE id = %s", revoked)
        return {"coop": mine[0], "product": product(mine[0]), "areas": mine[1][:2], "other_coop": other[0],
                "other_product": product(other[0]), "other_area": other[1][0], "day": today - timedelta(days=10),
                "today": today, "revoked": revoked, "revoked_coop": revoked_coop}


def lot_values(farm, **over) -> dict:
    values = {"coop": farm["coop"], "product": farm["product"], "code": "CV-2026/11", "quantity": 1200,
              "unit": "kg", "day": farm["day"], "confidential": False, "cert": "none", "cert_from": None,
              "cert_to": None}
    return {**values, **over}


def add_lot(conn, farm, areas=None, **over) -> int:
    lot = conn.execute(LOT, lot_values(farm, **over)).fetchone()[0]
    for area in farm["areas"] if areas is None else areas:
        conn.execute(LINK, (lot, area))
    return lot


def refused(url, sqlstate_or_error, *statements, commit=True):
    """Run the statements in one transaction; the database must refuse it (at commit at the latest)."""
    with psycopg.connect(url) as conn:
        conn.execute("SET ntm.actor = 'test:raw'")
        with pytest.raises(psycopg.Error) as exc:
            for stmt in statements:
                stmt(conn) if callable(stmt) else conn.execute(stmt)
            if commit:
                conn.commit()
        conn.rollback()
    if isinstance(sqlstate_or_error, str):
        assert exc.value.sqlstate == sqlstate_or_error, exc.value
    else:
        assert isinstance(exc.value, sqlstate_or_error), exc.value
    return exc.value


# ------------------------------------------------------------------ accounts and GTINs

def test_a_cooperative_account_holds_exactly_its_cooperative(demo_db, farm):
    insert = "INSERT INTO private.users (name, role, cooperative_id) VALUES (%s, %s, %s)"
    refused(demo_db, errors.CheckViolation, lambda c: c.execute(insert, ("htx1", "cooperative", None)))
    refused(demo_db, errors.CheckViolation, lambda c: c.execute(insert, ("viewer1", "viewer", farm["coop"])))
    refused(demo_db, errors.ForeignKeyViolation, lambda c: c.execute(insert, ("htx2", "cooperative", 999_999)))
    with psycopg.connect(demo_db) as conn:
        conn.execute(insert, ("htx3", "cooperative", farm["coop"]))
    refused(demo_db, errors.ForeignKeyViolation,
            lambda c: c.execute("UPDATE private.users SET cooperative_id = 999999 WHERE name = 'htx3'"))
    with psycopg.connect(demo_db) as conn:  # a cooperative nothing else refers to
        bare = scalar(conn, "INSERT INTO cooperatives (name, commune_code, geom) "
                            "VALUES ('HTX Mới', '00000', ST_SetSRID(ST_Point(105.6, 18.7), 4326)) RETURNING id")
        conn.execute("UPDATE private.users SET cooperative_id = %s WHERE name = 'htx3'", (bare,))
    exc = refused(demo_db, errors.ForeignKeyViolation, f"DELETE FROM cooperatives WHERE id = {bare}")
    assert "accounts acting for it" in str(exc)


def test_wiping_the_layers_keeps_the_accounts(demo_db, farm):
    """The demo's --replace truncates the layers with CASCADE: no foreign key leads it to private.users."""
    with psycopg.connect(demo_db) as conn:
        conn.execute("INSERT INTO private.users (name, role, cooperative_id) VALUES ('htx', 'cooperative', %s), "
                     "('staff', 'viewer', NULL)", (farm["coop"],))
        conn.commit()
        conn.execute("TRUNCATE ocop_products, growing_areas, cooperatives RESTART IDENTITY CASCADE")
        conn.commit()
        assert scalar(conn, "SELECT count(*) FROM private.users") == 2


def test_a_gtin_with_a_wrong_check_digit_is_refused_by_sql(demo_db, farm):
    update = "UPDATE ocop_products SET gtin = %s WHERE id = %s"
    product = farm["product"]
    for bad in ("09506000134353", "9506000134352", "0950600013435X", "095060001343520"):
        refused(demo_db, (errors.CheckViolation, errors.StringDataRightTruncation),
                lambda c, bad=bad: c.execute(update, (bad, product)))
    with psycopg.connect(demo_db) as conn:
        conn.execute(update, (gs1.gtin14("9506000134352"), product))
        assert scalar(conn, "SELECT gtin FROM ocop_products WHERE id = %s", product) == "09506000134352"
        # The function agrees with geo.gs1 on every check digit, and may sit in an index.
        rng = random.Random(15)
        for _ in range(200):
            body = "".join(rng.choice("0123456789") for _ in range(13))
            for digit in range(10):
                assert scalar(conn, "SELECT ntm_gtin_valid(%s)", body + str(digit)) == (gs1.check_digit(body) == digit)
        assert scalar(conn, "SELECT provolatile FROM pg_proc WHERE proname = 'ntm_gtin_valid'") == "i"
    # GTINs are unique: one names one product.
    refused(demo_db, errors.UniqueViolation,
            lambda c: c.execute(update, ("09506000134352", farm["other_product"])))


# ------------------------------------------------------------------ a lot and its areas

def test_a_lot_from_two_granted_areas_records_their_status_and_who(demo_db, farm):
    with psycopg.connect(demo_db) as conn:
        conn.execute("SET ntm.actor = 'htx-user'")
        lot = conn.execute(LOT, lot_values(farm)).fetchone()[0]
        statuses = [conn.execute(LINK, (lot, a)).fetchone()[0] for a in farm["areas"]]
        conn.commit()
        assert statuses == ["granted", "granted"]
        assert conn.execute("SELECT created_by, updated_by, quantity FROM private.harvest_lot_private "
                            "WHERE lot_id = %s", (lot,)).fetchone() == ("htx-user", "htx-user", None)
        ops = conn.execute("SELECT table_name, operation FROM public.change_history WHERE table_name LIKE 'harvest_lot%%' "
                           "ORDER BY id").fetchall()
        assert ops == [("harvest_lots", "INSERT"), ("harvest_lot_areas", "INSERT"), ("harvest_lot_areas", "INSERT")]
        # The public history names no user inside the rows and holds no private table.
        assert scalar(conn, "SELECT count(*) FROM public.change_history WHERE table_name = 'harvest_lot_private'") == 0
        assert scalar(conn, "SELECT count(*) FROM public.change_history WHERE after::text LIKE '%%htx-user%%'") == 0
        # A raw insert cannot claim a status: the trigger computes it.
        conn.execute("DELETE FROM harvest_lot_areas WHERE lot_id = %s AND growing_area_id = %s", (lot, farm["areas"][1]))
        conn.execute("INSERT INTO harvest_lot_areas (lot_id, growing_area_id, status_at_harvest) VALUES (%s, %s, 'revoked')",
                     (lot, farm["areas"][1]))
        conn.commit()
        assert scalar(conn, "SELECT status_at_harvest FROM harvest_lot_areas WHERE lot_id = %s AND growing_area_id = %s",
                      lot, farm["areas"][1]) == "granted"


def test_the_status_at_harvest_is_then_not_now(demo_db, farm):
    area = farm["areas"][0]
    with psycopg.connect(demo_db) as conn:
        lot = add_lot(conn, farm, areas=[area])
        conn.commit()
        conn.execute("UPDATE growing_areas SET status = 'revoked' WHERE id = %s", (area,))
        conn.commit()
        assert scalar(conn, "SELECT status_at_harvest FROM harvest_lot_areas WHERE lot_id = %s", lot) == "granted"
        # Registered after the revocation, harvested before it: granted then.
        late = add_lot(conn, farm, areas=[area], code="LATE-1", day=farm["today"] - timedelta(days=1))
        conn.commit()
        assert scalar(conn, "SELECT status_at_harvest FROM harvest_lot_areas WHERE lot_id = %s", late) == "granted"
    # Harvested today, after the revocation: refused naming the area and its status.
    exc = refused(demo_db, "NT011", lambda c: add_lot(c, farm, areas=[area], code="NOW-1", day=farm["today"]))
    assert "revoked" in str(exc)


def test_areas_of_another_cooperative_or_not_granted_on_the_day_are_refused(demo_db, farm):
    exc = refused(demo_db, "NT010", lambda c: add_lot(c, farm, areas=[farm["areas"][0], farm["other_area"]]))
    assert '"where"' in exc.diag.message_detail
    refused(demo_db, "NT011", lambda c: add_lot(c, farm, coop=farm["revoked_coop"], areas=[farm["revoked"]],
                                                product=scalar(c, "SELECT min(id) FROM ocop_products "
                                                                  "WHERE cooperative_id = %s", farm["revoked_coop"])
                                                or farm["product"]))
    with psycopg.connect(demo_db) as conn:
        valid_from = scalar(conn, "SELECT valid_from FROM growing_areas WHERE id = %s", farm["areas"][0])
    # Harvested before the area was granted.
    refused(demo_db, "NT011", lambda c: add_lot(c, farm, day=valid_from - timedelta(days=1)))
    # A correction moving the harvest date before the grant checks the links again.
    with psycopg.connect(demo_db) as conn:
        lot = add_lot(conn, farm)
    refused(demo_db, "NT011", f"UPDATE harvest_lots SET harvest_date = DATE '{valid_from - timedelta(days=1)}' "
                              f"WHERE id = {lot}")


def test_the_product_must_be_the_cooperatives(demo_db, farm):
    refused(demo_db, errors.ForeignKeyViolation, lambda c: add_lot(c, farm, product=farm["other_product"]))


def test_a_lot_comes_from_at_least_one_area(demo_db, farm):
    refused(demo_db, "NT015", lambda c: add_lot(c, farm, areas=[]))
    with psycopg.connect(demo_db) as conn:
        lot = add_lot(conn, farm)
    refused(demo_db, "NT015", f"DELETE FROM harvest_lot_areas WHERE lot_id = {lot}")


@pytest.mark.parametrize("over", [
    {"code": "Lô-01"}, {"code": ""}, {"code": "A" * 21}, {"code": "CV 01"},
    {"quantity": 0}, {"quantity": -5}, {"unit": "litre"},
    {"day": date(1999, 12, 31)},
    {"cert": "VietGAP"},
    {"cert": "VietGAP", "cert_from": date(2025, 1, 1), "cert_to": date(2025, 1, 1)},
    {"cert": "vietgap", "cert_from": date(2020, 1, 1), "cert_to": date(2030, 1, 1)},
    {"cert": "none", "cert_from": date(2020, 1, 1), "cert_to": date(2030, 1, 1)},
    {"confidential": True},  # with its quantity in the public row
])
def test_bad_values_are_refused_by_checks(demo_db, farm, over):
    refused(demo_db, (errors.CheckViolation, errors.StringDataRightTruncation), lambda c: add_lot(c, farm, **over))


def test_dates_are_bounded_by_the_registration_and_the_certificate(demo_db, farm):
    refused(demo_db, errors.CheckViolation, lambda c: add_lot(c, farm, day=farm["today"] + timedelta(days=1)))
    refused(demo_db, errors.CheckViolation, lambda c: add_lot(
        c, farm, cert="VietGAP", cert_from=farm["day"] + timedelta(days=1), cert_to=farm["day"] + timedelta(days=400)))
    with psycopg.connect(demo_db) as conn:
        add_lot(conn, farm, cert="VietGAP", cert_from=farm["day"] - timedelta(days=100),
                cert_to=farm["day"] + timedelta(days=265))


def test_lot_codes_are_unique_per_product(demo_db, farm):
    with psycopg.connect(demo_db) as conn:
        add_lot(conn, farm, code="A1")
        add_lot(conn, farm, code="a1")  # case matters in GS1
    refused(demo_db, errors.UniqueViolation, lambda c: add_lot(c, farm, code="A1"))
    other = {**farm, "coop": farm["other_coop"], "product": farm["other_product"], "areas": [farm["other_area"]]}
    with psycopg.connect(demo_db) as conn:
        add_lot(conn, other, code="A1")


def test_a_confidential_quantity_lives_only_in_the_private_schema(demo_db, farm):
    refused(demo_db, "NT016", lambda c: add_lot(c, farm, quantity=None, confidential=True))
    with psycopg.connect(demo_db) as conn:
        lot = add_lot(conn, farm, quantity=None, confidential=True, code="SECRET")
        conn.execute("UPDATE private.harvest_lot_private SET quantity = 777 WHERE lot_id = %s", (lot,))
        conn.commit()
        assert scalar(conn, "SELECT count(*) FROM public.change_history WHERE after::text LIKE '%%777%%'") == 0
        assert scalar(conn, "SELECT count(*) FROM private.change_history WHERE table_name = 'harvest_lot_private' "
                            "AND (after->>'quantity')::numeric = 777") == 1
        open_lot = add_lot(conn, farm, code="OPEN")
        conn.commit()
    refused(demo_db, "NT016", f"UPDATE private.harvest_lot_private SET quantity = 5 WHERE lot_id = {open_lot}")


# ------------------------------------------------------------------ lifecycle

def test_identity_never_changes_a_lot_is_never_deleted(demo_db, farm):
    with psycopg.connect(demo_db) as conn:
        lot = add_lot(conn, farm)
    refused(demo_db, "NT012", f"UPDATE harvest_lots SET lot_code = 'OTHER' WHERE id = {lot}")
    refused(demo_db, "NT014", f"DELETE FROM harvest_lots WHERE id = {lot}")


def test_a_recalled_lot_has_a_reason_and_never_changes(demo_db, farm):
    with psycopg.connect(demo_db) as conn:
        lot = add_lot(conn, farm)
        conn.commit()
        assert scalar(conn, "SELECT row_version FROM harvest_lots WHERE id = %s", lot) == 1
    refused(demo_db, errors.CheckViolation, f"UPDATE harvest_lots SET status = 'recalled', recalled_at = now() WHERE id = {lot}")
    refused(demo_db, errors.CheckViolation,
            f"UPDATE harvest_lots SET status = 'recalled', recall_reason = '  ', recalled_at = now() WHERE id = {lot}")
    with psycopg.connect(demo_db) as conn:
        conn.execute("SET ntm.actor = 'htx-user'")
        conn.execute("UPDATE harvest_lots SET status = 'recalled', recall_reason = 'dư lượng', recalled_at = now() "
                     "WHERE id = %s", (lot,))
        conn.commit()
        assert scalar(conn, "SELECT row_version FROM harvest_lots WHERE id = %s", lot) == 2
        assert scalar(conn, "SELECT updated_by FROM private.harvest_lot_private WHERE lot_id = %s", lot) == "htx-user"
    refused(demo_db, "NT013", f"UPDATE harvest_lots SET quantity = 5 WHERE id = {lot}")
    refused(demo_db, "NT013", f"UPDATE harvest_lots SET status = 'active', recall_reason = NULL, recalled_at = NULL WHERE id = {lot}")
    refused(demo_db, "NT013", f"DELETE FROM harvest_lot_areas WHERE lot_id = {lot}")
    refused(demo_db, "NT013", f"INSERT INTO harvest_lot_areas (lot_id, growing_area_id) VALUES ({lot}, {farm['other_area']})")


def test_the_models_name_what_migration_0011_made(schema_db):
    """The models describe the migrated tables: the same columns and the same named constraints."""
    from layers.db.models import HarvestLot, HarvestLotArea, HarvestLotPrivate, OcopProduct, User

    with psycopg.connect(schema_db) as conn:
        for model in (HarvestLot, HarvestLotArea, HarvestLotPrivate, OcopProduct, User):
            table = model.__table__
            regclass = f"{table.schema or 'public'}.{table.name}"
            columns = {r[0] for r in conn.execute(
                "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped",
                (regclass,))}
            assert columns == set(table.c.keys()), table.name
            named = {r[0] for r in conn.execute("SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass",
                                                (regclass,))}
            wanted = {c.name for c in table.constraints if c.name} | {i.name for i in table.indexes if i.unique}
            assert {n for n in wanted if not n.startswith("ix_")} <= named, table.name


def test_the_status_on_a_day_follows_the_validity_dates(demo_db, farm):
    with psycopg.connect(demo_db) as conn:
        area = farm["areas"][0]
        start, end = conn.execute("SELECT valid_from, valid_to FROM growing_areas WHERE id = %s", (area,)).fetchone()
        on = lambda day: scalar(conn, "SELECT ntm_growing_status_on(%s, %s)", area, day)  # noqa: E731
        assert (on(start - timedelta(days=1)), on(start), on(end), on(end + timedelta(days=1))) == \
            ("inspected", "granted", "granted", "expired")
        assert scalar(conn, "SELECT ntm_growing_status_on(%s, %s)", 999_999, start) is None
