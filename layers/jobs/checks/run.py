"""Run the rules of rules.py and gather what they find, for the CLI, imports and the HTML view."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from geo import address_code
from geo.crops import CROPS
from geo.growing_area_code import CodeScheme
from geo.vocabulary import GROWING_STATUSES, words
from layers.jobs.checks.rules import RULES, Rule
from layers.write.growing.expiry import today_in_vietnam

BATCH = 20_000
POINT_TOLERANCE_M = 5.0  # a household point drawn on a boundary line is inside


@dataclass(frozen=True)
class Finding:
    rule: str
    layer: str
    id: int
    label: str | None
    detail: dict
    where: dict | None = None

    def message(self, rule: Rule, lang: str = "en") -> str:
        template = rule.message_vi if lang == "vi" else rule.message_en
        if isinstance(template, dict):
            template = template.get(self.detail.get("kind"), "{kind}")
        # Words instead of codes: statuses by the vocabulary, dates as people write them.
        values = {k: (words(GROWING_STATUSES, v, lang) if k.endswith("status") and isinstance(v, str)
                      else _date(v, lang) if k.startswith("valid_") else v)
                  for k, v in self.detail.items()}
        try:
            return template.format(**values)
        except (KeyError, IndexError):
            return json.dumps(self.detail, ensure_ascii=False)

    def as_dict(self, rule: Rule, lang: str = "en") -> dict:
        out = {"rule": self.rule, "layer": self.layer, "id": self.id, "label": self.label,
               "message": self.message(rule, lang)}
        if self.where is not None:
            out["where"] = self.where
        return out


@dataclass
class CheckReport:
    rules: list[Rule]
    findings: list[Finding] = field(default_factory=list)
    checked: dict[str, int] = field(default_factory=dict)  # layer → rows looked at

    def of(self, rule_id: str) -> list[Finding]:
        return [f for f in self.findings if f.rule == rule_id]

    @property
    def ok(self) -> bool:
        return not self.findings

    def ids(self, layer: str) -> dict[int, list[Finding]]:
        out: dict[int, list[Finding]] = {}
        for f in self.findings:
            if f.layer == layer:
                out.setdefault(f.id, []).append(f)
        return out

    def as_dict(self, lang: str = "en") -> dict:
        rules = []
        for rule in self.rules:
            found = self.of(rule.id)
            rules.append({"rule": rule.id, "layer": rule.layer,
                          "title": rule.title_vi if lang == "vi" else rule.title_en,
                          "count": len(found), "ids": [f.id for f in found],
                          "problems": [f.as_dict(rule, lang) for f in found]})
        return {"ok": self.ok, "problems": len(self.findings), "checked": self.checked, "rules": rules}

    def summary(self, lang: str = "en", most: int = 10) -> str:
        lines = []
        for rule in self.rules:
            found = self.of(rule.id)
            title = rule.title_vi if lang == "vi" else rule.title_en
            lines.append(f"{'✗' if found else '✓'} {rule.id} ({title}): {len(found)}")
            for f in found[:most]:
                lines.append(f"    {f.layer} #{f.id} {f.label or ''}: {f.message(rule, lang)}")
            if len(found) > most:
                lines.append(f"    … and {len(found) - most} more")
        n = len(self.findings)
        lines.append("no problems found" if not n else f"{n} problems")
        return "\n".join(lines)


@dataclass(frozen=True)
class CheckParams:
    commune_tolerance_m: float = 50.0
    overlap_tolerance_m2: float = 10.0
    max_area_ha: float = 5_000.0
    code_template: str = "VN-{province}-{commune}-{serial:04d}"
    today: date | None = None

    @classmethod
    def of(cls, settings, today: date | None = None) -> CheckParams:
        return cls(settings.growing_commune_tolerance_m, settings.growing_overlap_tolerance_m2,
                   settings.growing_max_area_ha, settings.growing_code_template, today)


def rules_for(layers: list[str] | None) -> list[Rule]:
    """The rules about these layers (all when none are named); unknown names are an error."""
    if not layers:
        return list(RULES)
    known = sorted({r.layer for r in RULES if r.layer != "*"} | {"villages", "cooperatives", "ocop_products",
                                                                 "tourism_places", "tourism_routes"})
    unknown = [x for x in layers if x not in known]
    if unknown:
        raise ValueError(f"no rules for {', '.join(unknown)}; layers with rules: {', '.join(known)}")
    return [r for r in RULES if r.layer in layers or r.layer == "*"]


def run(conn: Connection, params: CheckParams, layers: list[str] | None = None,
        ids: dict[str, list[int]] | None = None) -> CheckReport:
    """Every rule over what is stored (or, with `ids`, over those rows of each layer only)."""
    rules = rules_for(layers)
    report = CheckReport(rules)
    wanted = set(layers or [])
    today = params.today or today_in_vietnam(conn)
    for rule in rules:
        scope = None if ids is None else ids.get(rule.layer, [])
        if ids is not None and rule.layer != "*" and not scope:
            continue
        if ids is not None and rule.layer == "*":
            scope = [i for v in ids.values() for i in v]  # the orphan rule: ids of imported rows
        values = {"ids": scope, "commune_tol": params.commune_tolerance_m, "overlap_tol": params.overlap_tolerance_m2,
                  "max_ha": params.max_area_ha, "crops": sorted(CROPS), "point_tol": POINT_TOLERANCE_M,
                  "today": today}
        if rule.python_check == "address_code":
            report.findings += _address_codes(conn, rule, values)
            continue
        for row in conn.execute(sa.text(rule.sql), {k: v for k, v in values.items() if f":{k}" in rule.sql}).mappings():
            layer = row.get("layer", rule.layer)
            if rule.layer == "*" and wanted and layer not in wanted:
                continue
            if rule.layer == "*" and ids is not None and layer not in ids:
                continue
            report.findings.append(Finding(rule.id, layer, int(row["id"]), row["label"], _json(row["detail"]),
                                           _json(row["where"])))
        if rule.python_check == "growing_code_format":
            report.findings += _growing_codes(conn, rule, values, CodeScheme(params.code_template))
    for layer in sorted({r.layer for r in rules if r.layer != "*"}):
        report.checked[layer] = len(ids.get(layer, [])) if ids is not None else conn.execute(
            sa.select(sa.func.count()).select_from(sa.table(layer))).scalar()
    report.findings.sort(key=lambda f: ([r.id for r in RULES].index(f.rule), f.layer, f.id))
    return report


def _date(value, lang: str):
    if not isinstance(value, str) or len(value) != 10:
        return value
    y, m, d = value.split("-")
    return f"{d}/{m}/{y}" if lang == "vi" else value


def _json(value):
    return json.loads(value) if isinstance(value, str) else value


def _growing_codes(conn, rule: Rule, values: dict, scheme: CodeScheme) -> list[Finding]:
    rows = conn.execute(sa.text(
        "SELECT id, code FROM growing_areas WHERE code IS NOT NULL "
        "AND (CAST(:ids AS bigint[]) IS NULL OR id = ANY(CAST(:ids AS bigint[]))) ORDER BY id"),
        {"ids": values["ids"]}).all()
    out = []
    for area_id, code in rows:
        try:
            scheme.parse(code)
        except ValueError:
            out.append(Finding(rule.id, rule.layer, area_id, code, {
                "kind": "format", "code": code, "template": scheme.template}))
    return out


def _address_codes(conn, rule: Rule, values: dict) -> list[Finding]:
    """The check character needs geo.address_code; rows come in batches, never all at once."""
    bad: list[tuple[int, str, str]] = []
    after = 0
    while True:  # keyset batches: no server-side cursor, so it runs inside an import's savepoint too
        part = conn.execute(sa.text(rule.sql), {"ids": values["ids"], "after": after, "batch": BATCH}).all()
        for hid, code in part:
            try:
                address_code.normalize(code)
            except (TypeError, ValueError) as exc:
                bad.append((hid, code, str(exc)))
        if len(part) < BATCH:
            break
        after = part[-1][0]
    if not bad:
        return []
    where = dict(conn.execute(sa.text("SELECT id, ST_AsGeoJSON(geom, 7) FROM households WHERE id = ANY(:ids)"),
                              {"ids": [b[0] for b in bad]}).all())
    return [Finding(rule.id, rule.layer, hid, code, {"code": code, "problem": why}, _json(where.get(hid))) for hid, code, why in bad]
