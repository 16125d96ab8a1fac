"""The rules the database and the API enforce on writes, as queries over what is stored.

Bulk loads (`ntm-map import`, the demo) bypass the write triggers for speed, and an office
migrating old spreadsheets needs to see which rows would not pass; each rule here mirrors one
trigger, constraint or API check, so `ntm-map check` and the import report name the same rules
the staff pages do. A rule's query returns one row per problem: the layer, the row id, a label
people recognise (its code or name), the detail of the message, and the offending geometry.
Every query takes `:ids` (NULL: every row; otherwise only those ids of the rule's layer) so an
import checks just the rows it added.
"""
from __future__ import annotations

from dataclasses import dataclass

ACTIVE = "('submitted', 'inspected', 'granted', 'suspended')"
COMPETING = "('draft', 'submitted', 'inspected', 'granted', 'suspended')"
CODED_ONLY = "('granted', 'suspended', 'expired', 'revoked')"


@dataclass(frozen=True)
class Rule:
    id: str
    layer: str
    title_vi: str
    title_en: str
    # str.format over the query's `detail` (a JSON object); a dict of them picks by detail["kind"].
    message_vi: str | dict[str, str]
    message_en: str | dict[str, str]
    sql: str
    # A geo/ check (run.py) over candidate rows: for "address_code" the SQL selects the
    # candidates; for "growing_code_format" it runs beside the SQL's own findings.
    python_check: str | None = None


def _scope(alias: str) -> str:
    return f"(CAST(:ids AS bigint[]) IS NULL OR {alias}.id = ANY(CAST(:ids AS bigint[])))"


RULES: tuple[Rule, ...] = (
    Rule("outside_commune", "growing_areas",
         "Vùng trồng nằm ngoài xã", "Growing area outside its commune",
         "ra ngoài xã {commune} quá {tolerance_m} m (xa nhất {reach_m} m)",
         "reaches more than {tolerance_m} m outside commune {commune} (up to {reach_m} m)",
         # The trigger's test (0005): within the commune, or covered by the commune widened by
         # the tolerance. `reach_m` says how far the worst point is, for the office to judge.
         f"""SELECT g.id, coalesce(g.code, g.name) AS label,
                json_build_object('commune', c.name_vi || ' (' || c.code || ')', 'tolerance_m', :commune_tol,
                  'reach_m', round(ST_HausdorffDistance(ST_Difference(g.geom, c.geom), c.geom)::numeric * 111000)) AS detail,
                ST_AsGeoJSON(ST_Difference(g.geom, c.geom), 7) AS where
             FROM growing_areas g JOIN communes c ON c.code = g.commune_code
             WHERE {_scope('g')} AND NOT ST_Within(g.geom, c.geom)
               AND NOT ST_Covers(ST_Buffer(c.geom::geography, :commune_tol)::geometry, g.geom)"""),
    Rule("overlap", "growing_areas",
         "Vùng trồng chồng lấn", "Overlapping growing areas",
         "chồng lên vùng {other} ({other_status}) {overlap_m2} m², quá mức cho phép {tolerance_m2} m²",
         "overlaps {other} ({other_status}) by {overlap_m2} m², more than the {tolerance_m2} m² allowed",
         # A draft or active area may not overlap an active one (trigger NT001); each pair once.
         f"""SELECT a.id, coalesce(a.code, a.name) AS label,
                json_build_object('other', coalesce(b.code, b.name) || ' (#' || b.id || ')', 'other_status', b.status,
                  'overlap_m2', round(ST_Area(ST_Intersection(a.geom, b.geom)::geography)::numeric),
                  'tolerance_m2', :overlap_tol) AS detail,
                ST_AsGeoJSON(ST_Intersection(a.geom, b.geom), 7) AS where
             FROM growing_areas a JOIN growing_areas b
               ON a.geom && b.geom AND a.id <> b.id AND ST_Intersects(a.geom, b.geom)
             WHERE {_scope('a')} AND a.status IN {COMPETING} AND b.status IN {ACTIVE}
               AND (a.status NOT IN {ACTIVE} OR a.id < b.id OR CAST(:ids AS bigint[]) IS NOT NULL)
               AND ST_Area(ST_Intersection(a.geom, b.geom)::geography) > :overlap_tol"""),
    Rule("missing_attribute", "growing_areas",
         "Thiếu thông tin bắt buộc", "Required information missing",
         {"missing": "thiếu {missing_vi}", "unknown_crop": "cây trồng «{crop}» không có trong danh mục"},
         {"missing": "missing {missing_en}", "unknown_crop": "crop «{crop}» is not in the list of crops"},
         # Circular 18/2019 Art. 6(7): a name and a known crop; address or commune (always set).
         f"""SELECT g.id, coalesce(g.code, g.name, '#' || g.id) AS label,
                json_build_object('kind', CASE WHEN nullif(btrim(g.name), '') IS NULL OR nullif(btrim(g.crop), '') IS NULL
                                               THEN 'missing' ELSE 'unknown_crop' END, 'crop', g.crop,
                  'missing_vi', concat_ws(', ', CASE WHEN nullif(btrim(g.name), '') IS NULL THEN 'tên' END,
                                                CASE WHEN nullif(btrim(g.crop), '') IS NULL THEN 'cây trồng' END),
                  'missing_en', concat_ws(', ', CASE WHEN nullif(btrim(g.name), '') IS NULL THEN 'name' END,
                                                CASE WHEN nullif(btrim(g.crop), '') IS NULL THEN 'crop' END)) AS detail,
                NULL AS where
             FROM growing_areas g
             WHERE {_scope('g')} AND (nullif(btrim(g.name), '') IS NULL OR nullif(btrim(g.crop), '') IS NULL
                                      OR NOT g.crop = ANY(CAST(:crops AS text[])))"""),
    Rule("code", "growing_areas",
         "Mã vùng trồng sai", "Growing-area code wrong",
         {"early": "có mã {code} khi mới ở trạng thái {status}: mã chỉ cấp khi cấp mã",
          "duplicate": "mã {code} trùng với {same_as}",
          "format": "mã {code} không theo mẫu {template}"},
         {"early": "holds code {code} while {status}: a code is given only at grant",
          "duplicate": "code {code} is the same as {same_as}",
          "format": "code {code} does not follow the template {template}"},
         # Format against the configured template is checked in Python (python_check); the SQL
         # finds codes where none may be yet, and codes equal but for case and separators.
         f"""SELECT g.id, coalesce(g.code, g.name) AS label,
                json_build_object('kind', CASE WHEN g.status NOT IN {CODED_ONLY} THEN 'early' ELSE 'duplicate' END,
                                  'code', g.code, 'status', g.status, 'same_as', d.other) AS detail,
                NULL AS where
             FROM growing_areas g
             LEFT JOIN LATERAL (
               SELECT string_agg(o.code || ' (#' || o.id || ')', ', ') AS other FROM growing_areas o
               WHERE o.id <> g.id AND o.code IS NOT NULL
                 AND upper(regexp_replace(o.code, '[^0-9A-Za-z]', '', 'g')) = upper(regexp_replace(g.code, '[^0-9A-Za-z]', '', 'g'))
             ) d ON true
             WHERE {_scope('g')} AND g.code IS NOT NULL AND (g.status NOT IN {CODED_ONLY} OR d.other IS NOT NULL)""",
         python_check="growing_code_format"),
    Rule("validity", "growing_areas",
         "Thời hạn mã không đúng", "Code validity dates wrong",
         {"no_dates": "đã cấp mã nhưng thiếu ngày hiệu lực",
          "order": "ngày hết hạn {valid_to} không sau ngày cấp {valid_from}",
          "lapsed": "hết hạn ngày {valid_to} nhưng vẫn ở trạng thái {status} (việc tự hết hạn có chạy không?)"},
         {"no_dates": "a code was given but its validity dates are missing",
          "order": "valid_to {valid_to} is not after valid_from {valid_from}",
          "lapsed": "expired on {valid_to} but still {status} (is the automatic expiry running?)"},
         f"""SELECT g.id, coalesce(g.code, g.name) AS label,
                json_build_object('kind', CASE WHEN g.valid_from IS NULL OR g.valid_to IS NULL THEN 'no_dates'
                                               WHEN g.valid_to <= g.valid_from THEN 'order' ELSE 'lapsed' END,
                                  'valid_from', g.valid_from, 'valid_to', g.valid_to, 'status', g.status) AS detail,
                NULL AS where
             FROM growing_areas g
             WHERE {_scope('g')} AND g.status IN {CODED_ONLY}
               AND (g.valid_from IS NULL OR g.valid_to IS NULL OR g.valid_to <= g.valid_from
                    OR (g.status IN ('granted', 'suspended') AND g.valid_to < CAST(:today AS date)))"""),
    Rule("geometry", "growing_areas",
         "Ranh giới không hợp lệ", "Boundary not valid",
         {"invalid": "ranh giới không hợp lệ ({reason})", "too_large": "diện tích {area_ha} ha vượt quá giới hạn {max_ha} ha"},
         {"invalid": "the boundary is not valid ({reason})", "too_large": "area {area_ha} ha is over the {max_ha} ha limit"},
         f"""SELECT g.id, coalesce(g.code, g.name) AS label,
                json_build_object('kind', CASE WHEN NOT ST_IsValid(g.geom) THEN 'invalid' ELSE 'too_large' END,
                                  'reason', ST_IsValidReason(g.geom), 'area_ha', round(g.area_ha::numeric, 2),
                                  'max_ha', :max_ha) AS detail,
                ST_AsGeoJSON(CASE WHEN ST_IsValid(g.geom) THEN g.geom ELSE ST_SetSRID(location(ST_IsValidDetail(g.geom)), 4326) END, 7) AS where
             FROM growing_areas g
             WHERE {_scope('g')} AND (NOT ST_IsValid(g.geom) OR g.area_ha > :max_ha)"""),
    Rule("household_outside_commune", "households",
         "Hộ ngoài xã của mình", "Household outside its commune",
         "điểm nằm ngoài xã {commune} {distance_m} m", "the point is {distance_m} m outside commune {commune}",
         f"""SELECT h.id, h.address_code AS label,
                json_build_object('commune', c.name_vi || ' (' || c.code || ')',
                  'distance_m', round(ST_Distance(c.geom::geography, h.geom::geography)::numeric)) AS detail,
                ST_AsGeoJSON(h.geom, 7) AS where
             FROM households h JOIN communes c ON c.code = h.commune_code
             WHERE {_scope('h')} AND NOT ST_Covers(c.geom, h.geom)
               AND NOT ST_DWithin(c.geom::geography, h.geom::geography, :point_tol)"""),
    Rule("household_outside_village", "households",
         "Hộ ngoài thôn của mình", "Household outside its village",
         "điểm nằm ngoài thôn {village} {distance_m} m", "the point is {distance_m} m outside village {village}",
         f"""SELECT h.id, h.address_code AS label,
                json_build_object('village', v.name || ' (' || v.code || ')',
                  'distance_m', round(ST_Distance(v.geom::geography, h.geom::geography)::numeric)) AS detail,
                ST_AsGeoJSON(h.geom, 7) AS where
             FROM households h JOIN villages v ON v.id = h.village_id
             WHERE {_scope('h')} AND NOT ST_Covers(v.geom, h.geom)
               AND NOT ST_DWithin(v.geom::geography, h.geom::geography, :point_tol)"""),
    Rule("household_village_commune", "households",
         "Thôn và xã của hộ không khớp", "Household's village and commune disagree",
         "thôn {village} thuộc xã {village_commune}, không phải xã {commune}",
         "village {village} is in commune {village_commune}, not {commune}",
         f"""SELECT h.id, h.address_code AS label,
                json_build_object('village', v.name, 'village_commune', v.commune_code, 'commune', h.commune_code) AS detail,
                ST_AsGeoJSON(h.geom, 7) AS where
             FROM households h JOIN villages v ON v.id = h.village_id
             WHERE {_scope('h')} AND v.commune_code <> h.commune_code"""),
    Rule("address_code", "households",
         "Mã địa chỉ sai", "Address code wrong",
         "mã địa chỉ {code} không hợp lệ (sai định dạng hoặc ký tự kiểm tra)", "address code {code} is not valid: {problem}",
         # Candidates only: the check character is verified by geo.address_code (run.py).
         f"""SELECT h.id, h.address_code AS label FROM households h
             WHERE {_scope('h')} AND h.id > :after ORDER BY h.id LIMIT :batch""",
         python_check="address_code"),
    Rule("orphan", "*",
         "Bản ghi mồ côi", "Orphan records",
         "{what} {ref}: không có trong cơ sở dữ liệu", "{what_en} {ref}: not in the database",
         # References without a foreign key (commune codes, route stops, village ids of rows
         # loaded before their villages): the row points at nothing.
         f"""SELECT layer, id, label, json_build_object('what', what, 'what_en', what_en, 'ref', ref) AS detail, NULL AS where
             FROM (
               SELECT 'growing_areas' AS layer, g.id, coalesce(g.code, g.name) AS label, 'xã' AS what, 'commune' AS what_en, g.commune_code AS ref
                 FROM growing_areas g WHERE {_scope('g')} AND NOT EXISTS (SELECT 1 FROM communes c WHERE c.code = g.commune_code)
               UNION ALL
               SELECT 'households', h.id, h.address_code, 'xã', 'commune', h.commune_code
                 FROM households h WHERE {_scope('h')} AND NOT EXISTS (SELECT 1 FROM communes c WHERE c.code = h.commune_code)
               UNION ALL
               SELECT 'villages', v.id, v.name, 'xã', 'commune', v.commune_code
                 FROM villages v WHERE CAST(:ids AS bigint[]) IS NULL AND NOT EXISTS (SELECT 1 FROM communes c WHERE c.code = v.commune_code)
               UNION ALL
               SELECT 'cooperatives', o.id, o.name, 'xã', 'commune', o.commune_code
                 FROM cooperatives o WHERE CAST(:ids AS bigint[]) IS NULL AND NOT EXISTS (SELECT 1 FROM communes c WHERE c.code = o.commune_code)
               UNION ALL
               SELECT 'ocop_products', p.id, p.name, 'xã', 'commune', p.commune_code
                 FROM ocop_products p WHERE CAST(:ids AS bigint[]) IS NULL AND NOT EXISTS (SELECT 1 FROM communes c WHERE c.code = p.commune_code)
               UNION ALL
               SELECT 'tourism_places', t.id, t.name_vi, 'xã', 'commune', t.commune_code
                 FROM tourism_places t WHERE CAST(:ids AS bigint[]) IS NULL AND NOT EXISTS (SELECT 1 FROM communes c WHERE c.code = t.commune_code)
               UNION ALL
               SELECT 'tourism_routes', r.id, r.name_vi, 'điểm dừng', 'stop', s.place_id::text
                 FROM tourism_routes r CROSS JOIN LATERAL unnest(r.place_ids) AS s(place_id)
                 WHERE CAST(:ids AS bigint[]) IS NULL AND NOT EXISTS (SELECT 1 FROM tourism_places t WHERE t.id = s.place_id)
             ) o"""),
)

RULES_BY_ID = {r.id: r for r in RULES}
