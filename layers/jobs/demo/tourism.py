"""Rural tourism places and routes: a few well-known Nghệ An destinations plus generated ones.

Known destinations are placed inside the commune that holds them, at a generated spot: their
names are real, their points are approximate.
"""
from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import shapely

from geo.vocabulary import PLACE_KINDS, known
from layers.jobs.demo.regions import HIGHLAND, LOWLAND, MIDLAND, WARD
from layers.jobs.demo.sampling import offset, uniform_in

KNOWN = (
    ("17971", "historic_site", "Khu di tích Kim Liên (Làng Sen)", "Kim Lien Relic Site (Sen Village)",
     "Quê nội và quê ngoại của Chủ tịch Hồ Chí Minh, với nhà tranh, giếng làng và ao sen.",
     "Home villages of President Ho Chi Minh: thatched houses, village wells and lotus ponds."),
    ("17254", "ecotourism", "Vườn quốc gia Pù Mát", "Pu Mat National Park",
     "Rừng nguyên sinh, thác Khe Kèm và suối Nậm Niêng; đi bộ, tắm suối, ngắm chim.",
     "Primary forest, Khe Kem waterfall and Nam Nieng stream: trekking, swimming, birdwatching."),
    ("17263", "community_tourism", "Bản Nưa du lịch cộng đồng", "Nua Village community tourism",
     "Nhà sàn người Thái, dệt thổ cẩm, ẩm thực bản địa bên sông Giăng.",
     "Thai stilt houses, brocade weaving and local food by the Giang river."),
    ("16792", "community_tourism", "Bản Hoa Tiến", "Hoa Tien Village",
     "Bản người Thái với homestay, múa lăm vông và hang Thẩm Ồm gần đó.",
     "Thai village with homestays, lam vong dances and the nearby Tham Om cave."),
    ("16732", "scenic_spot", "Bãi biển Cửa Lò", "Cua Lo Beach",
     "Bãi biển cát trắng dài, đảo Lan Châu và Song Ngư.", "Long white-sand beach, Lan Chau and Song Ngu islands."),
    ("17728", "scenic_spot", "Đảo chè Thanh An", "Thanh An Tea Island",
     "Hàng chục đảo chè xanh giữa hồ, đi thuyền và hái chè cùng người dân.",
     "Dozens of tea-covered islets in a lake: boat trips and tea picking with farmers."),
    ("17464", "craft_village", "Làng nghề nước mắm Vạn Phần", "Van Phan fish-sauce village",
     "Làng nghề làm nước mắm truyền thống ven biển Diễn Châu.", "Traditional fish-sauce making on the Dien Chau coast."),
    ("17479", "historic_site", "Đền Cuông", "Cuong Temple",
     "Đền thờ An Dương Vương trên núi Mộ Dạ, lễ hội tháng Hai âm lịch.",
     "Temple of King An Duong Vuong on Mo Da mountain, festival in the second lunar month."),
    ("16941", "farm_experience", "Trang trại cam Nghĩa Đàn", "Nghia Dan orange farms",
     "Tham quan đồi cam Vinh, hái cam tại vườn mùa thu hoạch (tháng 10–12).",
     "Visit Vinh orange hills and pick fruit in season (October–December)."),
)
GENERATED = {
    HIGHLAND: (("homestay", "Homestay {v}", "{v} homestay"), ("community_tourism", "Du lịch cộng đồng {v}", "{v} community tourism"),
               ("ecotourism", "Thác {v}", "{v} waterfall"), ("festival", "Lễ hội {v}", "{v} festival")),
    MIDLAND: (("farm_experience", "Trải nghiệm vườn đồi {v}", "{v} hill-farm experience"),
              ("homestay", "Homestay {v}", "{v} homestay"), ("scenic_spot", "Hồ {v}", "{v} lake")),
    LOWLAND: (("craft_village", "Làng nghề {v}", "{v} craft village"), ("historic_site", "Đình làng {v}", "{v} communal house"),
              ("restaurant", "Quán ăn đồng quê {v}", "{v} country restaurant"), ("farm_experience", "Cánh đồng {v}", "{v} fields")),
    WARD: (("restaurant", "Nhà hàng {v}", "{v} restaurant"), ("historic_site", "Đền {v}", "{v} temple")),
}
DESCRIPTIONS = {
    "homestay": ("Nhà sàn truyền thống, bữa cơm cùng gia đình chủ nhà.", "Traditional stilt house; meals with the host family."),
    "community_tourism": ("Văn hóa bản địa, dệt thổ cẩm, ẩm thực địa phương.", "Local culture, brocade weaving, local food."),
    "ecotourism": ("Rừng, suối và đường mòn đi bộ.", "Forest, streams and walking trails."),
    "festival": ("Lễ hội truyền thống hằng năm của đồng bào.", "Yearly traditional festival of the local people."),
    "farm_experience": ("Tham quan và trải nghiệm sản xuất nông nghiệp.", "Visit farms and try farm work."),
    "scenic_spot": ("Cảnh quan thiên nhiên đẹp, thích hợp dã ngoại.", "Beautiful landscape for a day out."),
    "craft_village": ("Làng nghề truyền thống, mua sản phẩm tại chỗ.", "Traditional craft village; buy on site."),
    "historic_site": ("Di tích lịch sử - văn hóa của địa phương.", "Local historic and cultural site."),
    "restaurant": ("Món ăn xứ Nghệ từ nguyên liệu địa phương.", "Nghe An dishes from local produce."),
}


known(PLACE_KINDS, [kind for _, kind, *_ in KNOWN], "demo known places")
known(PLACE_KINDS, [kind for options in GENERATED.values() for kind, *_ in options], "demo generated places")
known(PLACE_KINDS, DESCRIPTIONS, "demo place descriptions")


def places(rng, communes: pd.DataFrame, villages: pd.DataFrame) -> pd.DataFrame:
    rows = []
    by_code = communes.set_index("code")
    for code, kind, vi, en, dvi, den in KNOWN:
        c = by_code.loc[code]
        rows.append(_place(rng, kind, vi, en, dvi, den, code, c.full_name_vi, uniform_in(rng, c.geom, 1)[0]))
    by_commune = dict(tuple(villages.groupby("commune_code")))
    for c in communes.itertuples():
        options = GENERATED[c.region]
        for _ in range(int(rng.integers(0, 4 if c.region == HIGHLAND else 3))):
            kind, vi, en = options[int(rng.integers(0, len(options)))]
            v = by_commune[c.code].iloc[int(rng.integers(0, len(by_commune[c.code])))]
            label = v["name"].split(" ", 1)[1] if v["kind"] == "ban" else f"{v['name']} {c.name_vi}"
            dvi, den = DESCRIPTIONS[kind]
            row = _place(rng, kind, vi.format(v=label), en.format(v=label), dvi, den, c.code, c.full_name_vi,
                         offset(rng, (v.lon, v.lat), 50, 600))
            rows.append(row)
    out = pd.DataFrame(rows)
    out.insert(0, "id", np.arange(1, len(out) + 1))
    return out


def _place(rng, kind, vi, en, dvi, den, code, commune_name, lonlat) -> dict:
    return {
        "kind": kind, "name_vi": vi, "name_en": en, "description_vi": dvi, "description_en": den,
        "commune_code": code, "address": f"{commune_name}, Nghệ An",
        "phone": f"09{int(rng.integers(0, 10**8)):08d}" if kind in ("homestay", "restaurant", "community_tourism") else None,
        "email": None, "website": None,
        "wifi": bool(rng.random() < (0.85 if kind in ("homestay", "restaurant") else 0.4)),
        "opening_hours": "07:00–21:00" if kind != "historic_site" else "07:00–17:00",
        # Demo photos are placeholder drawings the server ships (api/static/tourism/photos/).
        "photos": [{"url": f"/static/tourism/photos/{kind}.svg", "caption": "Ảnh minh hoạ / Placeholder picture"}],
        "geom": shapely.Point(lonlat),
    }


ROUTES = (
    ("Hành trình về quê Bác", "Journey to Uncle Ho's home village", ("17971", "17935", "16732"), 1.0),
    ("Xanh miền Tây xứ Nghệ", "Green western Nghe An", ("17254", "17263", "17248"), 3.0),
    ("Bản Thái Quỳ Châu", "Thai villages of Quy Chau", ("16792", "16777", "16804"), 2.0),
    ("Con đường chè xanh", "The green tea road", ("17728", "17722", "17759"), 1.5),
    ("Miền cam Vinh", "Land of Vinh oranges", ("16941", "16951", "17035"), 1.0),
    ("Biển và làng nghề", "Sea and craft villages", ("17464", "17479", "17419"), 1.0),
)


def routes(place_rows: pd.DataFrame, communes: pd.DataFrame) -> pd.DataFrame:
    """Each route visits, per listed commune, its first place or else the nearest place."""
    rows = []
    points = shapely.points(np.column_stack([place_rows.geom.map(lambda g: g.x), place_rows.geom.map(lambda g: g.y)]))
    centres = communes.set_index("code").geom.map(shapely.point_on_surface)
    for vi, en, codes, days in ROUTES:
        stops: list = []
        for code in codes:
            here = place_rows[(place_rows.commune_code == code) & ~place_rows.id.isin([p.id for p in stops])]
            if len(here):
                stops.append(here.iloc[0])
                continue
            dist = shapely.distance(points, centres[code])
            dist[place_rows.id.isin([p.id for p in stops]).to_numpy()] = np.inf
            stops.append(place_rows.iloc[int(np.argmin(dist))])
        line = shapely.LineString([(p.geom.x, p.geom.y) for p in stops])
        rows.append({
            "name_vi": vi, "name_en": en,
            "description_vi": " → ".join(p.name_vi for p in stops),
            "description_en": " → ".join(p.name_en for p in stops),
            "place_ids": [int(p.id) for p in stops], "duration_days": days,
            "geom": shapely.MultiLineString([line]),
        })
    out = pd.DataFrame(rows)
    out.insert(0, "id", np.arange(1, len(out) + 1))
    return out


# Events of the demo year (issue 14): the well-known ones at their places, plus each generated
# festival place's yearly festival in a month of its own. No random draw, so the rest of the
# demo is unchanged by them.
EVENTS = (
    ("Đền Cuông", "festival", "Lễ hội Đền Cuông", "Cuong Temple festival", (3, 14), (3, 16)),
    ("Trang trại cam Nghĩa Đàn", "harvest_season", "Mùa cam Vinh", "Vinh orange harvest", (10, 15), (12, 31)),
    ("Đảo chè Thanh An", "harvest_season", "Mùa hái chè", "Tea picking season", (4, 1), (8, 31)),
    ("Làng nghề nước mắm Vạn Phần", "market", "Phiên chợ làng nghề", "Craft village market", (1, 20), (1, 22)),
)


def events(place_rows: pd.DataFrame, year: int) -> pd.DataFrame:
    rows = []
    by_name = place_rows.set_index("name_vi")
    for place, kind, vi, en, (m1, d1), (m2, d2) in EVENTS:
        p = by_name.loc[place]
        rows.append({"kind": kind, "name_vi": vi, "name_en": en, "place_id": int(p.id), "commune_code": p.commune_code,
                     "address": p.address, "starts_on": date(year, m1, d1), "ends_on": date(year, m2, d2),
                     "geom": p.geom})
    for p in place_rows[place_rows.kind == "festival"].itertuples():
        month = int(p.id) % 12 + 1
        rows.append({"kind": "festival", "name_vi": p.name_vi, "name_en": p.name_en, "place_id": int(p.id),
                     "commune_code": p.commune_code, "address": p.address, "starts_on": date(year, month, 10),
                     "ends_on": date(year, month, 12), "geom": p.geom})
    out = pd.DataFrame(rows)
    out.insert(0, "id", np.arange(1, len(out) + 1))
    return out
