"""The layer registry: every published layer is declared once, here.

The API, the tiles and the open-data exports all read this registry, and only the properties
listed as public ever leave through them. A column that is not listed (an owner's phone number,
anything in the `private` schema) cannot be published by forgetting to hide it.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from geo.vocabulary import CROP_NAMES, EVENT_KINDS, GROWING_STATUSES, NTM_LEVELS, PLACE_KINDS, THEMES, known, per_code


@dataclass(frozen=True)
class Property:
    name: str
    type: str  # JSON-schema type: string, integer, number, boolean, date, array
    title_vi: str
    title_en: str


@dataclass(frozen=True)
class Layer:
    id: str
    title_vi: str
    title_en: str
    description_vi: str
    description_en: str
    theme: str
    table: str  # a table or view in the public schema
    geometry_type: str  # Point, LineString, Polygon (Multi* accepted)
    properties: tuple[Property, ...]
    style: dict
    id_column: str = "id"
    # Only rows matching these column values are public (e.g. granted growing areas).
    public_filter: dict[str, tuple] = field(default_factory=dict)
    # Tables whose changes change this layer (a view depends on several).
    source_tables: tuple[str, ...] = ()
    min_zoom: int = 0
    max_zoom: int = 22

    @property
    def property_names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.properties)

    @property
    def sources(self) -> tuple[str, ...]:
        return self.source_tables or (self.table,)


def P(name: str, type_: str, vi: str, en: str) -> Property:
    return Property(name, type_, vi, en)


NAMES = (
    P("name_vi", "string", "Tên", "Name (Vietnamese)"),
    P("name_en", "string", "Tên tiếng Anh", "Name (English)"),
)
ADMIN_PROPS = (
    P("code", "string", "Mã đơn vị hành chính", "Administrative code"),
    *NAMES,
    P("full_name_vi", "string", "Tên đầy đủ", "Full name"),
    P("kind", "string", "Loại đơn vị", "Unit type"),
    P("area_km2", "number", "Diện tích (km²)", "Area (km²)"),
)
COMMUNE = P("commune_code", "string", "Mã xã/phường", "Commune code")
# Tourism listings are public once published (migration 0013's version triggers carry this filter).
TOURISM_PUBLIC = {"status": ("published",)}

CROP_COLORS = per_code(
    CROP_NAMES, "crop colours", orange="#f39c12", tea="#27ae60", passion_fruit="#8e44ad", rice="#f1c40f", pomelo="#d35400",
    pineapple="#e67e22", peanut="#a0522d", sugarcane="#16a085", banana="#c0ca33", vegetables="#2ecc71",
)
NTM_LEVEL_COLORS = per_code(
    NTM_LEVELS, "NTM level colours", model="#1a7837", advanced="#5aae61", standard="#a6dba0", not_met="#f4a582",
)
PLACE_KIND_COLORS = per_code(
    PLACE_KINDS, "tourism kind colours", homestay="#e74c3c", craft_village="#9b59b6", historic_site="#34495e",
    scenic_spot="#16a085", ecotourism="#27ae60", community_tourism="#d35400",
    farm_experience="#f39c12", restaurant="#c0392b", festival="#2980b9",
)
EVENT_KIND_COLORS = per_code(
    EVENT_KINDS, "tourism event colours", festival="#d81b60", harvest_season="#f9a825", market="#6d4c41", other="#5e35b1",
)


def match(prop: str, colors: dict, default: str = "#999999") -> list:
    expr: list = ["match", ["get", prop]]
    for k, v in colors.items():
        expr += [k, v]
    return expr + [default]


LAYERS: tuple[Layer, ...] = (
    Layer(
        "provinces", "Tỉnh, thành phố", "Provinces", "Ranh giới tỉnh hiện hành.",
        "Current province boundaries.", "admin", "provinces", "Polygon", ADMIN_PROPS,
        {"type": "line", "paint": {"line-color": "#444444", "line-width": 2}},
        source_tables=("admin_units",),
    ),
    Layer(
        "communes", "Xã, phường", "Communes and wards",
        "Ranh giới xã, phường, đặc khu hiện hành (sau sắp xếp 01/07/2025).",
        "Current commune, ward and special-zone boundaries (after the 1 July 2025 reform).",
        "admin", "communes", "Polygon",
        (*ADMIN_PROPS, P("province_code", "string", "Mã tỉnh", "Province code")),
        {"type": "line", "paint": {"line-color": "#7f8c8d", "line-width": 1}},
        source_tables=("admin_units",),
    ),
    Layer(
        "villages", "Thôn, xóm, bản", "Villages", "Ranh giới thôn, xóm, bản, khối.",
        "Village (thôn, xóm, bản, khối) boundaries.", "admin", "villages", "Polygon",
        (
            P("code", "string", "Mã thôn", "Village code"), COMMUNE,
            P("name", "string", "Tên thôn", "Village name"),
            P("kind", "string", "Loại", "Kind"),
            P("area_km2", "number", "Diện tích (km²)", "Area (km²)"),
        ),
        {"type": "line", "paint": {"line-color": "#b0b0b0", "line-width": 0.6, "line-dasharray": [2, 2]}},
        min_zoom=10,
    ),
    Layer(
        "households", "Địa chỉ hộ gia đình", "Household addresses",
        "Mã địa chỉ và vị trí của hộ gia đình (không có thông tin cá nhân).",
        "Address codes and locations of households (no personal data).",
        "addresses", "households", "Point",
        (
            P("address_code", "string", "Mã địa chỉ", "Address code"),
            P("plus_code", "string", "Plus Code", "Plus Code"), COMMUNE,
            P("village_id", "integer", "Thôn", "Village"),
        ),
        {"type": "circle", "paint": {"circle-color": "#6d4c41", "circle-radius": 3,
                                     "circle-stroke-color": "#ffffff", "circle-stroke-width": 0.5}},
        min_zoom=14,
        # A retired code (merged, replaced) is no address any more: off the map, items and
        # open data; its own page /a/{code} says so (migration 0014's triggers carry this filter).
        public_filter={"status": ("active",)},
    ),
    Layer(
        "ntm_results", "Kết quả nông thôn mới", "New Rural Development results",
        "Mức đạt chuẩn nông thôn mới và số tiêu chí đạt của từng xã (năm đánh giá gần nhất).",
        "NTM level and number of criteria met per commune (latest assessment year).",
        "ntm", "ntm_results", "Polygon",
        (
            COMMUNE, *NAMES, P("full_name_vi", "string", "Tên đầy đủ", "Full name"),
            P("year", "integer", "Năm", "Year"),
            P("level", "string", "Mức đạt", "Level"),
            P("criteria_set", "string", "Bộ tiêu chí", "Criteria set"),
            P("criteria_met", "integer", "Số tiêu chí đạt", "Criteria met"),
            P("criteria_total", "integer", "Tổng số tiêu chí", "Criteria in set"),
        ),
        {"type": "fill", "paint": {"fill-color": match("level", NTM_LEVEL_COLORS), "fill-opacity": 0.7,
                                   "fill-outline-color": "#ffffff"}},
        source_tables=("admin_units", "ntm_assessments", "ntm_assessment_criteria", "ntm_criteria_sets"),
    ),
    Layer(
        "growing_areas", "Vùng trồng được cấp mã", "Growing areas with codes",
        "Vùng trồng đã được cấp mã số (mã số vùng trồng), theo cây trồng và trạng thái.",
        "Growing areas with a granted code (mã số vùng trồng), by crop and status.",
        "growing_areas", "growing_areas", "Polygon",
        (
            P("code", "string", "Mã số vùng trồng", "Growing-area code"),
            P("name", "string", "Tên vùng trồng", "Name"),
            P("crop", "string", "Cây trồng", "Crop"),
            P("variety", "string", "Giống", "Variety"), COMMUNE,
            P("address", "string", "Địa chỉ", "Address"),
            P("cooperative_id", "integer", "Hợp tác xã", "Cooperative"),
            P("households_count", "integer", "Số hộ tham gia", "Households"),
            P("expected_output_tonnes", "number", "Sản lượng dự kiến (tấn)", "Expected output (t)"),
            P("certification", "string", "Chứng nhận", "Certification"),
            P("farming_diary", "boolean", "Nhật ký canh tác", "Farming diary"),
            P("residue_monitoring", "boolean", "Giám sát dư lượng", "Residue monitoring"),
            P("target_markets", "array", "Thị trường", "Target markets"),
            P("status", "string", "Trạng thái", "Status"),
            P("valid_from", "date", "Hiệu lực từ", "Valid from"),
            P("valid_to", "date", "Hiệu lực đến", "Valid to"),
            P("area_ha", "number", "Diện tích (ha)", "Area (ha)"),
        ),
        {"type": "fill", "paint": {"fill-color": match("crop", CROP_COLORS), "fill-opacity": 0.6,
                                   "fill-outline-color": "#333333"}},
        public_filter={"status": ("granted", "suspended", "revoked", "expired")},
    ),
    Layer(
        "cooperatives", "Hợp tác xã", "Cooperatives", "Hợp tác xã nông nghiệp.",
        "Agricultural cooperatives (HTX).", "agriculture", "cooperatives", "Point",
        (
            P("code", "string", "Mã số HTX", "Registration no."),
            P("name", "string", "Tên HTX", "Name"), COMMUNE,
            P("address", "string", "Địa chỉ", "Address"),
            P("main_products", "string", "Sản phẩm chính", "Main products"),
            P("members", "integer", "Số thành viên", "Members"),
            P("founded_year", "integer", "Năm thành lập", "Founded"),
            P("phone", "string", "Điện thoại", "Phone"),
        ),
        {"type": "circle", "paint": {"circle-color": "#8e44ad", "circle-radius": 5}},
    ),
    Layer(
        "agri_zones", "Vùng sản xuất nông nghiệp", "Agricultural zones",
        "Vùng sản xuất tập trung và loại đất nông nghiệp.",
        "Concentrated production zones and agricultural land use.",
        "agriculture", "agri_zones", "Polygon",
        (
            P("name", "string", "Tên vùng", "Name"), P("kind", "string", "Loại vùng", "Kind"),
            P("land_use_code", "string", "Mã loại đất", "Land-use code"), COMMUNE,
            P("area_ha", "number", "Diện tích (ha)", "Area (ha)"),
        ),
        {"type": "fill", "paint": {"fill-color": "#7cb342", "fill-opacity": 0.25,
                                   "fill-outline-color": "#558b2f"}},
    ),
    Layer(
        "ocop_products", "Sản phẩm OCOP", "OCOP products",
        "Sản phẩm OCOP (Mỗi xã một sản phẩm) và số sao.",
        "OCOP (One Commune One Product) products and their stars.",
        "agriculture", "ocop_products", "Point",
        (
            P("name", "string", "Tên sản phẩm", "Product"),
            P("category", "string", "Nhóm sản phẩm", "Category"),
            P("stars", "integer", "Số sao", "Stars"), P("score", "integer", "Điểm", "Score"),
            P("producer", "string", "Chủ thể", "Producer"),
            P("cooperative_id", "integer", "Hợp tác xã", "Cooperative"), COMMUNE,
            P("certified_year", "integer", "Năm công nhận", "Year certified"),
            P("description", "string", "Mô tả", "Description"),
            # The photo (issue 15): served at /media/{photo_sha256}.webp and /media/{photo_sha256}-400.webp.
            P("photo_sha256", "string", "Ảnh (sha256)", "Photo (sha256)"),
            P("photo_alt", "string", "Mô tả ảnh", "Photo description"),
        ),
        {"type": "circle", "paint": {"circle-color": match("stars", {3: "#f1c40f", 4: "#e67e22", 5: "#c0392b"}),
                                     "circle-radius": 6}},
    ),
    Layer(
        "tourism_places", "Điểm du lịch nông thôn", "Rural tourism places",
        "Điểm du lịch cộng đồng, homestay, làng nghề, di tích, danh thắng.",
        "Community tourism, homestays, craft villages, historic and scenic sites.",
        "tourism", "tourism_places", "Point",
        (
            P("kind", "string", "Loại hình", "Kind"), *NAMES,
            P("description_vi", "string", "Giới thiệu", "Description (Vietnamese)"),
            P("description_en", "string", "Giới thiệu (tiếng Anh)", "Description"), COMMUNE,
            P("address", "string", "Địa chỉ", "Address"), P("phone", "string", "Điện thoại", "Phone"),
            P("email", "string", "Thư điện tử", "Email"), P("website", "string", "Trang web", "Website"),
            P("wifi", "boolean", "Wi-Fi miễn phí", "Free Wi-Fi"),
            P("opening_hours", "string", "Giờ mở cửa", "Opening hours"),
            P("photos", "array", "Ảnh", "Photos"),
            # Entered by promoters for publication (issue 14).
            P("zalo", "string", "Zalo", "Zalo"), P("facebook", "string", "Facebook", "Facebook"),
            P("price_range", "string", "Mức giá", "Price range"),
            P("parking", "boolean", "Có chỗ đỗ xe", "Parking"),
            P("accessible", "boolean", "Tiếp cận cho người khuyết tật", "Step-free access"),
            P("season_months", "array", "Tháng đẹp nhất", "Best months"),
            P("ocop_product_ids", "array", "Sản phẩm OCOP", "OCOP products"),
            P("cooperative_ids", "array", "Hợp tác xã gần đó", "Cooperatives nearby"),
        ),
        {"type": "circle", "paint": {"circle-color": match("kind", PLACE_KIND_COLORS), "circle-radius": 6,
                                     "circle-stroke-color": "#ffffff", "circle-stroke-width": 1}},
        public_filter=TOURISM_PUBLIC,  # drafts and listings under moderation are not public (issue 14)
    ),
    Layer(
        "tourism_routes", "Tuyến du lịch", "Tourism routes", "Tuyến du lịch nông thôn.",
        "Rural tourism routes.", "tourism", "tourism_routes", "LineString",
        (
            *NAMES, P("description_vi", "string", "Giới thiệu", "Description (Vietnamese)"),
            P("description_en", "string", "Giới thiệu (tiếng Anh)", "Description"),
            P("place_ids", "array", "Các điểm", "Places"),
            P("duration_days", "number", "Số ngày", "Days"),
            P("length_km", "number", "Chiều dài (km)", "Length (km)"),
        ),
        {"type": "line", "paint": {"line-color": "#e74c3c", "line-width": 3, "line-dasharray": [2, 1]}},
        public_filter=TOURISM_PUBLIC,
    ),
    Layer(
        "tourism_events", "Sự kiện du lịch", "Tourism events",
        "Lễ hội, mùa thu hoạch, phiên chợ: ngày diễn ra và địa điểm.",
        "Festivals, harvest seasons and markets: their dates and where.",
        "tourism", "tourism_events", "Point",
        (
            P("kind", "string", "Loại sự kiện", "Event kind"), *NAMES,
            P("description_vi", "string", "Giới thiệu", "Description (Vietnamese)"),
            P("description_en", "string", "Giới thiệu (tiếng Anh)", "Description"),
            P("place_id", "integer", "Điểm du lịch", "Tourism place"), COMMUNE,
            P("address", "string", "Địa chỉ", "Address"),
            P("starts_on", "date", "Từ ngày", "From"), P("ends_on", "date", "Đến ngày", "To"),
            P("website", "string", "Trang web", "Website"),
        ),
        {"type": "circle", "paint": {"circle-color": match("kind", EVENT_KIND_COLORS), "circle-radius": 7,
                                     "circle-stroke-color": "#ffffff", "circle-stroke-width": 2}},
        public_filter=TOURISM_PUBLIC,
    ),
)

BY_ID: dict[str, Layer] = {layer.id: layer for layer in LAYERS}
known(THEMES, {layer.theme for layer in LAYERS}, "layer themes")
known(GROWING_STATUSES, BY_ID["growing_areas"].public_filter["status"], "public growing-area statuses")


def get(layer_id: str) -> Layer:
    """Raise KeyError with the list of known layers, for messages users can act on."""
    try:
        return BY_ID[layer_id]
    except KeyError:
        raise KeyError(f"unknown layer {layer_id!r}; known layers: {', '.join(BY_ID)}") from None
