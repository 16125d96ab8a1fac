"""Derived datasets computed live from the public layers: indicators per commune and village,
and NTM results per commune and year with each criterion met.

Every input is a registry layer's `public_select`, so an indicator can only count what the API
already shows, except address coverage (layers.read.coverage: households in the commune's register
against those with a verified point and code; issue 16). Household figures are counts, suppressed below `opendata_min_count`
(layers.jobs.opendata.privacy). Column lists come from fixed vocabularies (geo.crops, the tourism
kinds, 3–5 stars, criteria 1–19), not from the data, so new data never changes a schema.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import func
from sqlalchemy.dialects.postgresql import aggregate_order_by

from geo.crops import CROPS
from geo.vocabulary import PLACE_KINDS, THEMES
from layers.db.settings import Settings
from layers.jobs.opendata.dataset import ID, Dataset
from layers.jobs.opendata.privacy import suppressed
from layers.read import coverage
from layers.read.registry import BY_ID, Property
from layers.read.relations import public_select

P = Property
KINDS = tuple(PLACE_KINDS)
STARS = (3, 4, 5)
CRITERIA = range(1, 20)  # the 2021–2025 set has 19; a set's numbers beyond are in criteria_met_list
# Program targets (DOMAIN.md): every household of a smart village tagged with an address code;
# free Wi-Fi at rural tourism spots (tourism_wifi_target_met).
ADDRESS_TARGET_SHARE = 100.0


def _sub(layer_id: str, *cols) -> sa.Subquery:
    layer = BY_ID[layer_id]
    base = public_select(layer)
    return base.with_only_columns(*(base.selected_columns[c] for c in cols)).subquery(layer_id)


def _by(key, sub: sa.Subquery, *aggs) -> sa.Subquery:
    return sa.select(key.label("key"), *aggs).group_by(key).subquery()


def _count_if(cond):
    return func.count().filter(cond)


def household_columns(hh: sa.Subquery, threshold: int) -> list:
    n = func.coalesce(hh.c.households, 0)
    coded = func.coalesce(hh.c.with_code, 0)
    share = sa.case((n > 0, func.round((100.0 * coded / n).cast(sa.Numeric), 1)), else_=sa.null())
    hidden = sa.or_(sa.and_(n > 0, n < threshold), sa.and_(coded > 0, coded < threshold))
    return [
        suppressed(n, threshold).label("households"),
        suppressed(coded, threshold).label("households_with_address_code"),
        sa.case((hidden, sa.null()), else_=share.cast(sa.Float)).label("address_code_share"),
        sa.case((hidden, sa.null()), else_=share >= ADDRESS_TARGET_SHARE).label("address_code_target_met"),
        hidden.label("households_suppressed"),
    ]


HOUSEHOLD_FIELDS = (
    P("households", "integer", "Số hộ (theo sổ hộ, nếu có)", "Households (in the register, when there is one)"),
    P("households_with_address_code", "integer", "Số hộ có điểm và mã địa chỉ đã xác minh",
      "Households with a verified point and address code"),
    P("address_code_share", "number", "Tỷ lệ hộ có mã địa chỉ (%)", "Share with an address code (%)"),
    P("address_code_target_met", "boolean", "Đạt mục tiêu 100% hộ có mã địa chỉ",
      "Target met: 100% of households with an address code"),
    P("households_suppressed", "boolean", "Số liệu hộ bị ẩn (dưới ngưỡng)", "Household counts suppressed (small)"),
)
AGRI_FIELDS = (
    P("growing_areas_granted", "integer", "Số vùng trồng được cấp mã", "Growing areas granted"),
    P("growing_area_ha", "number", "Diện tích vùng trồng được cấp mã (ha)", "Granted growing area (ha)"),
    *(P(f"ha_{c.code}", "number", f"Diện tích {c.name_vi} (ha)", f"{c.name_en} (ha)") for c in CROPS.values()),
    *(P(f"ocop_{s}_star", "integer", f"Sản phẩm OCOP {s} sao", f"OCOP {s}-star products") for s in STARS),
    *(P(f"tourism_{k}", "integer", f"Điểm du lịch: {k}", f"Tourism places: {k}") for k in KINDS),
    P("tourism_with_wifi", "integer", "Điểm du lịch có Wi-Fi miễn phí", "Tourism places with free Wi-Fi"),
    P("tourism_wifi_target_met", "boolean", "Mọi điểm du lịch có Wi-Fi miễn phí",
      "Target met: free Wi-Fi at every tourism place"),
)


def agri_columns(ga, ocop, tour) -> list:
    zero = sa.literal(0)
    return [
        func.coalesce(ga.c.granted, zero).label("growing_areas_granted"),
        func.coalesce(ga.c.ha, zero).label("growing_area_ha"),
        *(func.coalesce(ga.c[f"ha_{c}"], zero).label(f"ha_{c}") for c in CROPS),
        *(func.coalesce(ocop.c[f"ocop_{s}_star"], zero).label(f"ocop_{s}_star") for s in STARS),
        *(func.coalesce(tour.c[f"tourism_{k}"], zero).label(f"tourism_{k}") for k in KINDS),
        func.coalesce(tour.c.with_wifi, zero).label("tourism_with_wifi"),
        sa.case((func.coalesce(tour.c.places, 0) == 0, sa.null()), else_=tour.c.with_wifi == tour.c.places)
        .label("tourism_wifi_target_met"),
    ]


def _ga_aggs(g):
    granted = g.c.status == "granted"
    ha = func.round(func.coalesce(func.sum(g.c.area_ha).filter(granted), 0).cast(sa.Numeric), 2).cast(sa.Float)
    return [
        _count_if(granted).label("granted"), ha.label("ha"),
        *(func.round(func.sum(g.c.area_ha).filter(sa.and_(granted, g.c.crop == c)).cast(sa.Numeric), 2)
          .cast(sa.Float).label(f"ha_{c}") for c in CROPS),
    ]


def _ocop_aggs(o):
    return [_count_if(o.c.stars == s).label(f"ocop_{s}_star") for s in STARS]


def _tour_aggs(t):
    return [*(_count_if(t.c.kind == k).label(f"tourism_{k}") for k in KINDS),
            func.count().label("places"), _count_if(t.c.wifi.is_(True)).label("with_wifi")]


def _raster_sub() -> sa.Subquery:
    """Per commune: what the public rasters say (layers.jobs.rasters.zonal), current versions only.
    Fixed columns for the rasters RASTER.md names (elevation, slope, suitability_<crop> for every
    crop of geo.crops, null when that raster is absent) and every raster's figures as JSON text."""
    suitable = [f"""CASE WHEN bool_or(r.name = 'suitability_{c}') THEN coalesce(sum((jsonb_path_query_first(
                    s.stats, '$.classes[*] ? (@.value == 1).ha') #>> '{{}}')::float)
                    FILTER (WHERE r.name = 'suitability_{c}'), 0) END AS suitable_ha_{c}""" for c in CROPS]
    return sa.text(f"""
        SELECT s.feature AS key,
               max((s.stats->>'mean')::float) FILTER (WHERE r.name = 'elevation') AS mean_elevation_m,
               max((s.stats->>'mean')::float) FILTER (WHERE r.name = 'slope') AS mean_slope_deg,
               {", ".join(suitable)},
               jsonb_object_agg(r.name, s.stats)::text AS raster_statistics
        FROM raster_zonal_stats s JOIN rasters r ON r.id = s.raster_id AND r.version = s.raster_version AND r.public
        WHERE s.layer = 'communes' GROUP BY s.feature
    """).columns(sa.column("key", sa.String), sa.column("mean_elevation_m", sa.Float),
                 sa.column("mean_slope_deg", sa.Float), *(sa.column(f"suitable_ha_{c}", sa.Float) for c in CROPS),
                 sa.column("raster_statistics", sa.Text)).subquery("rz")


RASTER_FIELDS = (
    P("mean_elevation_m", "number", "Độ cao trung bình (m)", "Mean elevation (m)"),
    P("mean_slope_deg", "number", "Độ dốc trung bình (°)", "Mean slope (°)"),
    *(P(f"suitable_ha_{c.code}", "number", f"Đất thích hợp trồng {c.name_vi.lower()} (ha)",
        f"Land suitable for {c.name_en.lower()} (ha)") for c in CROPS.values()),
    P("raster_statistics", "string", "Số liệu các lớp raster (JSON)", "Raster zonal statistics (JSON)"),
)


def commune_statement(settings: Settings) -> sa.Select:
    t = settings.opendata_min_count
    c = _sub("communes", "id", "code", "name_vi", "name_en", "province_code", "geom")
    g = _sub("growing_areas", "commune_code", "status", "crop", "area_ha")
    o = _sub("ocop_products", "commune_code", "stars")
    tp = _sub("tourism_places", "commune_code", "kind", "wifi")
    r = _sub("ntm_results", "commune_code", "year", "level", "criteria_met", "criteria_total")
    hh = coverage.commune_counts()  # register vs verified points (issue 16), suppressed below
    ga = _by(g.c.commune_code, g, *_ga_aggs(g))
    ocop = _by(o.c.commune_code, o, *_ocop_aggs(o))
    tour = _by(tp.c.commune_code, tp, *_tour_aggs(tp))
    rz = _raster_sub()
    q = (sa.select(
        c.c.id.label("id"), c.c.code.label("commune_code"), c.c.province_code, c.c.name_vi, c.c.name_en,
        *household_columns(hh, t), *agri_columns(ga, ocop, tour),
        r.c.year.label("ntm_year"), r.c.level.label("ntm_level"), r.c.criteria_met.label("ntm_criteria_met"),
        r.c.criteria_total.label("ntm_criteria_total"),
        sa.case((r.c.level.is_(None), sa.null()), else_=r.c.level != "not_met").label("ntm_target_met"),
        *(rz.c[f.name] for f in RASTER_FIELDS),
        func.ST_AsBinary(c.c.geom).label("geometry"))
        .select_from(c)
        .outerjoin(hh, hh.c.key == c.c.code).outerjoin(ga, ga.c.key == c.c.code)
        .outerjoin(ocop, ocop.c.key == c.c.code).outerjoin(tour, tour.c.key == c.c.code)
        .outerjoin(r, r.c.commune_code == c.c.code).outerjoin(rz, rz.c.key == c.c.code)
        .order_by(c.c.id))
    return q


def village_statement(settings: Settings) -> sa.Select:
    """Points and areas are placed in a village by location (growing areas by a point on them)."""
    t = settings.opendata_min_count
    v = _sub("villages", "id", "code", "commune_code", "name", "geom")
    g = _sub("growing_areas", "status", "crop", "area_ha", "geom")
    o = _sub("ocop_products", "stars", "geom")
    tp = _sub("tourism_places", "kind", "wifi", "geom")
    hh = coverage.village_counts()  # register vs verified points (issue 16), suppressed below

    def inside(sub, aggs, point):
        vv = v.alias()
        return (sa.select(vv.c.id.label("key"), *aggs).select_from(vv)
                .join(sub, func.ST_Intersects(vv.c.geom, point)).group_by(vv.c.id).subquery())

    ga = inside(g, _ga_aggs(g), func.ST_PointOnSurface(g.c.geom))
    ocop = inside(o, _ocop_aggs(o), o.c.geom)
    tour = inside(tp, _tour_aggs(tp), tp.c.geom)
    return (sa.select(
        v.c.id.label("id"), v.c.code.label("village_code"), v.c.commune_code, v.c.name,
        *household_columns(hh, t), *agri_columns(ga, ocop, tour),
        func.ST_AsBinary(v.c.geom).label("geometry"))
        .select_from(v)
        .outerjoin(hh, hh.c.key == v.c.id).outerjoin(ga, ga.c.key == v.c.id)
        .outerjoin(ocop, ocop.c.key == v.c.id).outerjoin(tour, tour.c.key == v.c.id)
        .order_by(v.c.id))


def criteria_statement(settings: Settings) -> sa.Select:
    """Every assessment (commune × year) with each criterion met, under its period's set."""
    a = sa.table("ntm_assessments", *(sa.column(n) for n in ("id", "commune_code", "year", "set_id", "level")))
    s = sa.table("ntm_criteria_sets", sa.column("id"), sa.column("code"))
    x = sa.table("ntm_assessment_criteria", sa.column("assessment_id"), sa.column("criterion_id"), sa.column("met"))
    k = sa.table("ntm_criteria", sa.column("id"), sa.column("number"))
    c = _sub("communes", "code", "name_vi", "name_en", "geom")
    per = (sa.select(
        x.c.assessment_id.label("aid"),
        func.count().filter(x.c.met).label("met_n"), func.count().label("total_n"),
        func.string_agg(k.c.number.cast(sa.Text), aggregate_order_by(sa.literal(","), k.c.number))
        .filter(x.c.met).label("met_list"),
        *(func.bool_or(x.c.met).filter(k.c.number == n).label(f"crit_{n:02d}") for n in CRITERIA))
        .select_from(x.join(k, k.c.id == x.c.criterion_id)).group_by(x.c.assessment_id).subquery())
    return (sa.select(
        a.c.id.label("id"), a.c.commune_code, c.c.name_vi, c.c.name_en, a.c.year.cast(sa.Integer).label("year"),
        a.c.level, s.c.code.label("criteria_set"), per.c.met_n.cast(sa.Integer).label("criteria_met"),
        per.c.total_n.cast(sa.Integer).label("criteria_total"), per.c.met_list.label("criteria_met_list"),
        *(per.c[f"crit_{n:02d}"] for n in CRITERIA),
        func.ST_AsBinary(c.c.geom).label("geometry"))
        .select_from(a.join(c, c.c.code == a.c.commune_code).join(s, s.c.id == a.c.set_id)
                     .outerjoin(per, per.c.aid == a.c.id))
        .order_by(a.c.id))


COMMUNE_HEAD = (ID, P("commune_code", "string", "Mã xã/phường", "Commune code"),
                P("province_code", "string", "Mã tỉnh", "Province code"),
                P("name_vi", "string", "Tên", "Name (Vietnamese)"), P("name_en", "string", "Tên tiếng Anh", "Name (English)"))
NTM_FIELDS = (
    P("ntm_year", "integer", "Năm đánh giá NTM", "NTM assessment year"),
    P("ntm_level", "string", "Mức đạt NTM", "NTM level"),
    P("ntm_criteria_met", "integer", "Số tiêu chí đạt", "Criteria met"),
    P("ntm_criteria_total", "integer", "Tổng số tiêu chí", "Criteria in set"),
    P("ntm_target_met", "boolean", "Đạt chuẩn NTM", "Meets the NTM standard"),
)
VILLAGE_HEAD = (ID, P("village_code", "string", "Mã thôn", "Village code"),
                P("commune_code", "string", "Mã xã/phường", "Commune code"), P("name", "string", "Tên thôn", "Village name"))
CRITERIA_FIELDS = (
    ID, P("commune_code", "string", "Mã xã/phường", "Commune code"),
    P("name_vi", "string", "Tên", "Name (Vietnamese)"), P("name_en", "string", "Tên tiếng Anh", "Name (English)"),
    P("year", "integer", "Năm", "Year"), P("level", "string", "Mức đạt", "Level"),
    P("criteria_set", "string", "Bộ tiêu chí", "Criteria set"),
    P("criteria_met", "integer", "Số tiêu chí đạt", "Criteria met"),
    P("criteria_total", "integer", "Tổng số tiêu chí", "Criteria in set"),
    P("criteria_met_list", "string", "Các tiêu chí đạt", "Numbers of the criteria met"),
    *(P(f"crit_{n:02d}", "boolean", f"Đạt tiêu chí {n}", f"Criterion {n} met") for n in CRITERIA),
)
INDICATOR_SOURCES = ("admin_units", "villages", "households", "growing_areas", "ocop_products", "tourism_places",
                     "ntm_assessments", "ntm_assessment_criteria", "ntm_criteria_sets")
KW = ("NTM", "Nghệ An", *THEMES["indicators"])

DERIVED: tuple[Dataset, ...] = (
    Dataset("commune_indicators", "Chỉ tiêu theo xã", "Indicators per commune",
            "Số hộ có mã địa chỉ, vùng trồng được cấp mã theo cây trồng, sản phẩm OCOP theo sao, điểm du lịch theo "
            "loại hình và kết quả NTM của từng xã; tính trực tiếp từ các lớp dữ liệu công khai. Số hộ dưới ngưỡng bị ẩn.",
            "Households with an address code, granted growing areas by crop, OCOP products by stars, tourism places "
            "by kind and the NTM result of each commune, computed live from the public layers. Small household "
            "counts are suppressed.",
            "indicators", KW, (*COMMUNE_HEAD, *HOUSEHOLD_FIELDS, *AGRI_FIELDS, *NTM_FIELDS, *RASTER_FIELDS), "Polygon",
            (*INDICATOR_SOURCES, "rasters"), commune_statement, household_derived=True),
    Dataset("village_indicators", "Chỉ tiêu theo thôn", "Indicators per village",
            "Số hộ có mã địa chỉ, vùng trồng, sản phẩm OCOP và điểm du lịch trong từng thôn. Số hộ dưới ngưỡng bị ẩn.",
            "Households with an address code, growing areas, OCOP products and tourism places in each village. "
            "Small household counts are suppressed.",
            "indicators", KW, (*VILLAGE_HEAD, *HOUSEHOLD_FIELDS, *AGRI_FIELDS), "Polygon",
            INDICATOR_SOURCES, village_statement, household_derived=True),
    Dataset("ntm_assessments", "Kết quả đánh giá NTM theo tiêu chí", "NTM results by criterion",
            "Mỗi lần đánh giá của từng xã (năm, mức đạt, bộ tiêu chí của giai đoạn) và từng tiêu chí đạt hay không.",
            "Each assessment of each commune (year, level, the criteria set of its period) and whether each "
            "criterion was met. Criterion numbers refer to the set named in criteria_set.",
            "ntm", ("NTM", "Nghệ An", *THEMES["ntm"], "tiêu chí", "criteria"),
            CRITERIA_FIELDS, "Polygon",
            ("admin_units", "ntm_assessments", "ntm_assessment_criteria", "ntm_criteria", "ntm_criteria_sets"),
            criteria_statement, temporal_field="year"),
)
