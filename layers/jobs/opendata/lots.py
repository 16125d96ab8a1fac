"""Open data of traceability (issue 15): harvest lots, the growing areas each came from, and label
scans per commune and month.

What leaves and what does not:
- a lot's quantity only when the cooperative did not mark it confidential: the public column is
  NULL then (the database keeps the figure in `private.harvest_lot_private`, which nothing here
  reads), and the statement says NULL again on its own account;
- no author: who registered or changed a lot lives in the private schema only;
- each lot's trace URL, as its label's QR code holds it: the GS1 Digital Link
  `{base}/01/{GTIN-14}/10/{lot}` when the product has a GTIN, else `{base}/l/{id}`, `base` being
  NTM_OPENDATA_BASE_URL (a file cannot know a request's host; without it the URL is the path
  alone, `/01/…` or `/l/…`, to put after the site's address);
- an area's link and geometry only for areas holding a code (the public growing-area statuses),
  which every linked area does (the database refuses others);
- scans are counts per commune (the lot's cooperative's) and month, nothing about who scanned.

`lot_scans` is counted without a layer version (a scan must not make caches stale), so the scans
dataset carries a `state` statement whose answer changes with every counted scan; a publish
compares it like a layer version.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import func
from sqlalchemy.dialects.postgresql import aggregate_order_by

from geo import gs1
from geo.vocabulary import THEMES
from layers.db.settings import Settings
from layers.jobs.opendata.dataset import ID, Dataset
from layers.read.registry import BY_ID, Property as P
from layers.read.relations import public_select

LOTS = sa.table("harvest_lots", *(sa.column(c) for c in (
    "id", "cooperative_id", "product_id", "lot_code", "quantity", "unit", "harvest_date", "certification",
    "certification_valid_from", "certification_valid_to", "confidential_quantity", "status", "recall_reason",
    "recalled_at")))
LINKS = sa.table("harvest_lot_areas", sa.column("lot_id"), sa.column("growing_area_id"), sa.column("status_at_harvest"))
SCANS = sa.table("lot_scans", sa.column("lot_id"), sa.column("day"), sa.column("scans"))
TEXT_ID = P("id", "string", "Mã định danh", "Identifier")


def _public(layer_id: str, *cols) -> sa.Subquery:
    base = public_select(BY_ID[layer_id])
    return base.with_only_columns(*(base.selected_columns[c] for c in cols)).subquery(layer_id)


def encoded_lot(column):
    """The lot code as a Digital Link path holds it (geo.gs1.encode), in SQL: every character of
    GS1's set 82 that is not unreserved in a URI becomes its %XX ('%' itself first)."""
    out = func.replace(column, "%", gs1.encode("%"))
    for ch in sorted(gs1.CSET82 - {"%"}):
        if gs1.encode(ch) != ch:
            out = func.replace(out, ch, gs1.encode(ch))
    return out


def trace_url(settings: Settings, lot_id, lot_code, gtin):
    base = sa.literal((settings.opendata_base_url or "").rstrip("/"), sa.Text)
    return sa.case(
        (gtin.is_not(None), base + "/01/" + gtin + "/10/" + encoded_lot(lot_code)),
        else_=base + "/l/" + lot_id.cast(sa.Text))


def lots_statement(settings: Settings) -> sa.Select:
    products = sa.table("ocop_products", sa.column("id"), sa.column("name"), sa.column("gtin"))  # all public
    coops = _public("cooperatives", "id", "name", "commune_code")
    areas = _public("growing_areas", "id", "code", "geom")
    per_lot = (sa.select(LINKS.c.lot_id,
                         func.to_json(func.array_agg(aggregate_order_by(areas.c.code, areas.c.code)))
                         .cast(sa.Text).label("codes"),
                         func.ST_Multi(func.ST_Union(areas.c.geom)).label("geom"))
               .select_from(LINKS.join(areas, areas.c.id == LINKS.c.growing_area_id))
               .group_by(LINKS.c.lot_id).subquery("per_lot"))
    return (sa.select(
        LOTS.c.id.label("id"), LOTS.c.lot_code,
        trace_url(settings, LOTS.c.id, LOTS.c.lot_code, products.c.gtin).label("trace_url"),
        LOTS.c.product_id, products.c.name.label("product_name"), products.c.gtin,
        LOTS.c.cooperative_id, coops.c.name.label("cooperative_name"), coops.c.commune_code,
        LOTS.c.harvest_date,
        sa.case((LOTS.c.confidential_quantity, sa.null()), else_=LOTS.c.quantity).cast(sa.Float).label("quantity"),
        LOTS.c.unit, LOTS.c.confidential_quantity, LOTS.c.certification, LOTS.c.certification_valid_from,
        LOTS.c.certification_valid_to, LOTS.c.status,
        func.timezone("Asia/Ho_Chi_Minh", LOTS.c.recalled_at).cast(sa.Date).label("recalled_on"),
        LOTS.c.recall_reason, per_lot.c.codes.label("growing_area_codes"),
        func.ST_AsBinary(per_lot.c.geom).label("geometry"))
        .select_from(LOTS.join(products, products.c.id == LOTS.c.product_id)
                     .join(coops, coops.c.id == LOTS.c.cooperative_id)
                     .outerjoin(per_lot, per_lot.c.lot_id == LOTS.c.id))
        .order_by(LOTS.c.id))


def links_statement(settings: Settings) -> sa.Select:
    areas = _public("growing_areas", "id", "code", "status", "geom")
    return (sa.select(
        (LINKS.c.lot_id.cast(sa.Text) + "-" + LINKS.c.growing_area_id.cast(sa.Text)).label("id"),
        LINKS.c.lot_id, LOTS.c.lot_code, LINKS.c.growing_area_id, areas.c.code.label("growing_area_code"),
        LINKS.c.status_at_harvest, areas.c.status.label("status_now"), LOTS.c.harvest_date,
        func.ST_AsBinary(areas.c.geom).label("geometry"))
        .select_from(LINKS.join(LOTS, LOTS.c.id == LINKS.c.lot_id)
                     .join(areas, areas.c.id == LINKS.c.growing_area_id))
        .order_by(LINKS.c.lot_id, LINKS.c.growing_area_id))


def scans_statement(settings: Settings) -> sa.Select:
    communes = _public("communes", "code", "province_code", "name_vi", "name_en", "geom")
    coops = sa.table("cooperatives", sa.column("id"), sa.column("commune_code"))
    month = func.date_trunc("month", SCANS.c.day).cast(sa.Date)
    per = (sa.select(coops.c.commune_code.label("commune_code"), month.label("month"),
                     func.sum(SCANS.c.scans).label("scans"),
                     func.count(sa.distinct(SCANS.c.lot_id)).filter(SCANS.c.scans > 0).label("lots"))
           .select_from(SCANS.join(LOTS, LOTS.c.id == SCANS.c.lot_id).join(coops, coops.c.id == LOTS.c.cooperative_id))
           .group_by(coops.c.commune_code, month).subquery("per"))
    return (sa.select(
        (per.c.commune_code + "-" + func.to_char(per.c.month, "YYYY-MM")).label("id"),
        per.c.commune_code, communes.c.province_code, communes.c.name_vi, communes.c.name_en,
        per.c.month, per.c.scans.cast(sa.Integer).label("scans"), per.c.lots.cast(sa.Integer).label("lots_scanned"),
        func.ST_AsBinary(communes.c.geom).label("geometry"))
        .select_from(per.join(communes, communes.c.code == per.c.commune_code))
        .order_by(per.c.commune_code, per.c.month))


def scans_state() -> sa.Select:
    """Changes with every counted scan (lot_scans has no layer version)."""
    return sa.select(func.concat(func.count(), ":", func.coalesce(func.sum(SCANS.c.scans), 0), ":",
                                 func.max(SCANS.c.day)))


LOT_FIELDS = (
    ID, P("lot_code", "string", "Số lô", "Lot code"),
    P("trace_url", "string", "Địa chỉ truy xuất (mã QR)", "Trace URL (the QR code)"),
    P("product_id", "integer", "Mã sản phẩm OCOP", "OCOP product id"),
    P("product_name", "string", "Sản phẩm", "Product"), P("gtin", "string", "Mã GTIN", "GTIN"),
    P("cooperative_id", "integer", "Mã hợp tác xã", "Cooperative id"),
    P("cooperative_name", "string", "Hợp tác xã", "Cooperative"),
    P("commune_code", "string", "Mã xã/phường của hợp tác xã", "Cooperative's commune code"),
    P("harvest_date", "date", "Ngày thu hoạch", "Harvest date"),
    P("quantity", "number", "Sản lượng (trống khi bảo mật)", "Quantity (empty when confidential)"),
    P("unit", "string", "Đơn vị", "Unit"),
    P("confidential_quantity", "boolean", "Sản lượng được bảo mật", "Quantity kept confidential"),
    P("certification", "string", "Chứng nhận", "Certification"),
    P("certification_valid_from", "date", "Chứng nhận hiệu lực từ", "Certificate valid from"),
    P("certification_valid_to", "date", "Chứng nhận hiệu lực đến", "Certificate valid to"),
    P("status", "string", "Trạng thái", "Status"), P("recalled_on", "date", "Ngày thu hồi", "Recalled on"),
    P("recall_reason", "string", "Lý do thu hồi", "Recall reason"),
    P("growing_area_codes", "string", "Mã số vùng trồng nguồn (JSON)", "Source growing-area codes (JSON)"),
)
LINK_FIELDS = (
    TEXT_ID, P("lot_id", "integer", "Mã lô", "Lot id"), P("lot_code", "string", "Số lô", "Lot code"),
    P("growing_area_id", "integer", "Mã vùng trồng", "Growing-area id"),
    P("growing_area_code", "string", "Mã số vùng trồng", "Growing-area code"),
    P("status_at_harvest", "string", "Trạng thái khi thu hoạch", "Status at harvest"),
    P("status_now", "string", "Trạng thái hiện nay", "Status now"),
    P("harvest_date", "date", "Ngày thu hoạch", "Harvest date"),
)
SCAN_FIELDS = (
    TEXT_ID, P("commune_code", "string", "Mã xã/phường", "Commune code"),
    P("province_code", "string", "Mã tỉnh", "Province code"),
    P("name_vi", "string", "Tên", "Name (Vietnamese)"), P("name_en", "string", "Tên tiếng Anh", "Name (English)"),
    P("month", "date", "Tháng (ngày đầu tháng)", "Month (its first day)"),
    P("scans", "integer", "Số lượt quét nhãn", "Label scans"),
    P("lots_scanned", "integer", "Số lô được quét", "Lots scanned"),
)
KW = ("NTM", "Nghệ An", *THEMES["agriculture"], "truy xuất nguồn gốc", "traceability")
LOT_SOURCES = ("harvest_lots", "harvest_lot_areas", "ocop_products", "cooperatives", "growing_areas")

LOT_DATASETS: tuple[Dataset, ...] = (
    Dataset("harvest_lots", "Lô thu hoạch", "Harvest lots",
            "Các lô thu hoạch hợp tác xã đã đăng ký: sản phẩm, ngày thu hoạch, chứng nhận, trạng thái (thu hồi), "
            "địa chỉ truy xuất trên nhãn QR và vùng trồng nguồn. Sản lượng để trống khi hợp tác xã bảo mật.",
            "Harvest lots registered by cooperatives: product, harvest date, certification, status (recalls), the "
            "trace URL their QR labels carry and the growing areas they came from. The quantity is empty when the "
            "cooperative keeps it confidential.",
            "agriculture", KW, LOT_FIELDS, "MultiPolygon", LOT_SOURCES, lots_statement, temporal_field="harvest_date"),
    Dataset("harvest_lot_areas", "Vùng trồng nguồn của lô thu hoạch", "Growing areas of harvest lots",
            "Mỗi cặp lô thu hoạch và vùng trồng nguồn, với trạng thái mã số vùng trồng ngày thu hoạch và hiện nay.",
            "Each harvest lot and growing area it came from, with the area code's status on the harvest date and now.",
            "agriculture", KW, LINK_FIELDS, "MultiPolygon", ("harvest_lots", "harvest_lot_areas", "growing_areas"),
            links_statement, temporal_field="harvest_date"),
    Dataset("label_scans_by_commune", "Lượt quét nhãn truy xuất theo xã", "Label scans per commune",
            "Số lượt quét nhãn QR truy xuất nguồn gốc theo tháng, gộp theo xã của hợp tác xã sản xuất lô; "
            "chỉ là số đếm, không lưu ai đã quét.",
            "Scans of traceability QR labels per month, summed over the commune of the lot's cooperative; "
            "counts only, nothing about who scanned.",
            "indicators", ("NTM", "Nghệ An", *THEMES["indicators"], "truy xuất nguồn gốc", "traceability"),
            SCAN_FIELDS, "Polygon", ("lot_scans", "harvest_lots", "cooperatives", "admin_units"), scans_statement,
            temporal_field="month", state=scans_state),
)
