"""Every coded value of ntm-map with its words in Vietnamese and English: the one list of each.

A code is what the database, the API and open data carry (`passion_fruit`, `granted`); the words
are what a person reads ("Chanh leo" / "Passion fruit"). The database CHECKs (layers/db/models),
the importer and the write checks, the registry's colours, the web map's legends and popups, the
staff page, the demo and open data all read these tables, so a value is added here once (plus a
migration when a CHECK constraint lists it). Order matters: it is the order of the CHECK
constraints, of open-data columns and of the lists people see.

Each table maps code → (vi, en).
"""
from __future__ import annotations

Words = tuple[str, str]  # (vi, en)

# Crops grown in growing areas (their agronomy: geo.crops).
CROP_NAMES: dict[str, Words] = {
    "orange": ("Cam", "Orange"),
    "tea": ("Chè", "Tea"),
    "passion_fruit": ("Chanh leo", "Passion fruit"),
    "rice": ("Lúa", "Rice"),
    "pineapple": ("Dứa", "Pineapple"),
    "peanut": ("Lạc", "Peanut"),
    "sugarcane": ("Mía", "Sugarcane"),
    "pomelo": ("Bưởi", "Pomelo"),
    "banana": ("Chuối", "Banana"),
    "vegetables": ("Rau an toàn", "Safe vegetables"),
}

# Where a crop is sold (growing areas' target_markets; the codes stored).
MARKETS: dict[str, Words] = {
    "domestic": ("Nội địa", "Domestic"),
    "EU": ("EU", "EU"),
    "China": ("Trung Quốc", "China"),
    "Taiwan": ("Đài Loan", "Taiwan"),
    "Pakistan": ("Pakistan", "Pakistan"),
    "Russia": ("Nga", "Russia"),
}

# Good-practice certificates of a growing area (Circular 18 fields).
CERTIFICATIONS: dict[str, Words] = {
    "none": ("Không", "None"),
    "VietGAP": ("VietGAP", "VietGAP"),
    "GlobalGAP": ("GlobalGAP", "GlobalGAP"),
    "organic": ("Hữu cơ", "Organic"),
}

# The growing-area lifecycle (geo.lifecycle says which step leads where).
GROWING_STATUSES: dict[str, Words] = {
    "draft": ("Nháp", "Draft"),
    "submitted": ("Đã nộp", "Submitted"),
    "inspected": ("Đã thẩm định", "Inspected"),
    "granted": ("Đã cấp mã", "Granted"),
    "suspended": ("Tạm đình chỉ", "Suspended"),
    "revoked": ("Đã thu hồi", "Revoked"),
    "expired": ("Hết hiệu lực", "Expired"),
}
GROWING_ACTIONS: dict[str, Words] = {
    "submit": ("Nộp hồ sơ", "Submit"),
    "inspect": ("Thẩm định", "Inspect"),
    "grant": ("Cấp mã", "Grant"),
    "suspend": ("Tạm dừng", "Suspend"),
    "reinstate": ("Khôi phục", "Reinstate"),
    "revoke": ("Thu hồi", "Revoke"),
    "renew": ("Gia hạn", "Renew"),
}

# Kinds of rural tourism place.
PLACE_KINDS: dict[str, Words] = {
    "homestay": ("Homestay", "Homestay"),
    "craft_village": ("Làng nghề", "Craft village"),
    "historic_site": ("Di tích", "Historic site"),
    "scenic_spot": ("Danh thắng", "Scenic spot"),
    "ecotourism": ("Du lịch sinh thái", "Ecotourism"),
    "community_tourism": ("Du lịch cộng đồng", "Community tourism"),
    "farm_experience": ("Trải nghiệm nông nghiệp", "Farm experience"),
    "restaurant": ("Ẩm thực", "Food"),
    "festival": ("Lễ hội", "Festival"),
}

# NTM levels a commune reaches, lowest first (DOMAIN.md: Decisions 318 and 319/QĐ-TTg).
NTM_LEVELS: dict[str, Words] = {
    "not_met": ("Chưa đạt chuẩn", "Not yet met"),
    "standard": ("Đạt chuẩn nông thôn mới", "NTM standard"),
    "advanced": ("Nông thôn mới nâng cao", "Advanced NTM"),
    "model": ("Nông thôn mới kiểu mẫu", "Model NTM"),
}

# Levels of administrative unit (admin_units.level; Decision 124/2004 code lengths 2, 3, 5).
ADMIN_LEVELS: dict[str, Words] = {
    "province": ("Tỉnh", "Province"),
    "district": ("Huyện", "District"),
    "commune": ("Xã", "Commune"),
}
# Kinds of unit, as their full names begin ("Phường Vinh Lộc"); the code is that word. Tried in
# this order when reading a name ("Thành phố" before anything shorter it could hide).
UNIT_KINDS: dict[str, Words] = {
    "Thành phố": ("Thành phố", "City"),
    "Tỉnh": ("Tỉnh", "Province"),
    "Phường": ("Phường", "Ward"),
    "Xã": ("Xã", "Commune"),
    "Đặc khu": ("Đặc khu", "Special zone"),
    "Thị trấn": ("Thị trấn", "Township"),
    "Huyện": ("Huyện", "District"),
    "Quận": ("Quận", "Urban district"),
    "Thị xã": ("Thị xã", "Town"),
}

# Staff roles (accounts; geo.lifecycle says what each may do).
ROLES: dict[str, Words] = {
    "admin": ("Quản trị", "Administrator"),
    "province_staff": ("Cán bộ nông nghiệp tỉnh", "Province agriculture staff"),
    "commune_staff": ("Cán bộ nông nghiệp xã", "Commune agriculture staff"),
    "tourism_promoter": ("Người quảng bá du lịch", "Tourism promoter"),
    "viewer": ("Người xem", "Viewer"),
    # Scoped to one cooperative (private.users.cooperative_id): its OCOP products and harvest lots.
    "cooperative": ("Tài khoản hợp tác xã", "Cooperative account"),
    # Province tourism staff (issue 14): moderate tourism listings in their --area, reassign owners.
    "tourism_staff": ("Cán bộ du lịch tỉnh", "Province tourism staff"),
}

# --- Tourism listings (issue 14): places, routes and events written by promoters, moderated -----
# A listing's lifecycle (layers.write.tourism.lifecycle says which step leads where; migration 0013).
TOURISM_STATUSES: dict[str, Words] = {
    "draft": ("Nháp", "Draft"),
    "submitted": ("Chờ duyệt", "Awaiting review"),
    "published": ("Đã đăng", "Published"),
    "unpublished": ("Đã gỡ", "Unpublished"),
}
TOURISM_ACTIONS: dict[str, Words] = {
    "submit": ("Gửi duyệt", "Submit for review"),
    "publish": ("Duyệt đăng", "Publish"),
    "reject": ("Trả lại", "Send back"),
    "unpublish": ("Gỡ xuống", "Unpublish"),
}
# A place's price range (per person, as visitors compare them).
PRICE_RANGES: dict[str, Words] = {
    "free": ("Miễn phí", "Free"),
    "budget": ("Bình dân", "Budget"),
    "moderate": ("Trung bình", "Moderate"),
    "upscale": ("Cao cấp", "Upscale"),
}
# Kinds of tourism event.
EVENT_KINDS: dict[str, Words] = {
    "festival": ("Lễ hội", "Festival"),
    "harvest_season": ("Mùa thu hoạch", "Harvest season"),
    "market": ("Phiên chợ", "Market"),
    "other": ("Sự kiện khác", "Other event"),
}
# Amenities of a place (boolean columns of tourism_places).
AMENITIES: dict[str, Words] = {
    "wifi": ("Wi-Fi miễn phí cho khách", "Free Wi-Fi for guests"),
    "parking": ("Chỗ đỗ xe", "Parking"),
    "accessible": ("Lối đi cho người khuyết tật", "Step-free access"),
}
# --- end of tourism listings --------------------------------------------------------------------

# A harvest lot's lifecycle (issue 15): registered lots are corrected or recalled, never deleted.
LOT_STATUSES: dict[str, Words] = {
    "active": ("Đang lưu hành", "Active"),
    "recalled": ("Đã thu hồi", "Recalled"),
}
LOT_ACTIONS: dict[str, Words] = {
    "create": ("Đăng ký lô", "Register"),
    "correct": ("Sửa lô", "Correct"),
    "recall": ("Thu hồi lô", "Recall"),
}
# Units a harvest lot's quantity is counted in.
LOT_UNITS: dict[str, Words] = {
    "kg": ("kg", "kg"),
    "tonne": ("tấn", "tonnes"),
    "box": ("thùng", "boxes"),
    "bag": ("bao", "bags"),
    "piece": ("quả", "pieces"),
}

# A household's poverty status: personal data, never published (private.household_private).
POVERTY_STATUSES: dict[str, Words] = {
    "none": ("Không", "None"),
    "near_poor": ("Cận nghèo", "Near-poor"),
    "poor": ("Nghèo", "Poor"),
}

# --- Household addresses in field campaigns (issue 16) -----------------------------------------
# A household's address code: in use, or retired (never reused; it may name its successor).
HOUSEHOLD_STATUSES: dict[str, Words] = {
    "active": ("Đang sử dụng", "In use"),
    "retired": ("Ngừng sử dụng", "Retired"),
}
# What commune staff do to a household point in the field.
HOUSEHOLD_ACTIONS: dict[str, Words] = {
    "create": ("Thêm hộ", "Add"),
    "move": ("Dời vị trí", "Move"),
    "verify": ("Xác minh", "Verify"),
    "split": ("Tách hộ", "Split"),
    "merge": ("Gộp hộ trùng", "Merge duplicates"),
    "retire": ("Ngừng mã", "Retire"),
    "private": ("Sửa thông tin hộ", "Edit household details"),
}
# What was done with households' personal fields (private.household_access).
PRIVATE_ACCESS_ACTIONS: dict[str, Words] = {
    "read": ("Xem", "Read"),
    "edit": ("Sửa", "Edit"),
    "export": ("Xuất", "Export"),
}
# --- end of household addresses ----------------------------------------------------------------

# Themes of the published layers and datasets (their words are the open-data keywords).
THEMES: dict[str, Words] = {
    "admin": ("ranh giới hành chính", "administrative boundaries"),
    "addresses": ("mã địa chỉ", "address codes"),
    "ntm": ("nông thôn mới", "New Rural Development"),
    "growing_areas": ("mã số vùng trồng", "growing-area codes"),
    "agriculture": ("nông nghiệp", "agriculture"),
    "tourism": ("du lịch nông thôn", "rural tourism"),
    "indicators": ("chỉ tiêu", "indicators"),
}


def words(table: dict[str, Words], code: str, lang: str) -> str:
    """The code's words in `lang` (vi or en); KeyError for a code the table does not know."""
    vi, en = table[code]
    return vi if lang == "vi" else en


def known(table: dict[str, Words], codes, what: str) -> None:
    """Raise if `codes` (the demo's weights, a crop's markets…) name a code `table` lacks: tables
    keyed by code elsewhere are checked against the vocabulary when they are built."""
    unknown = [c for c in codes if c not in table]
    if unknown:
        raise ValueError(f"{what}: {', '.join(map(str, unknown))} not in the vocabulary ({', '.join(table)})")


def per_code(table: dict[str, Words], what: str, **values):
    """`values` (a colour per code…) in the table's order, one for every code of it: a code added
    to the vocabulary and forgotten here, or one misspelt, is an error when the module loads."""
    known(table, values, what)
    missing = [c for c in table if c not in values]
    if missing:
        raise ValueError(f"{what}: nothing for {', '.join(missing)}")
    return {code: values[code] for code in table}
