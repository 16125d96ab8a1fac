"""api/static/common/format.js writes numbers, areas and dates as geo/formatting.py does: pages
formatted on the server and in the browser read the same. Run by Node on the real module."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

from geo import formatting

FORMAT_JS = Path(__file__).resolve().parents[2] / "api/static/common/format.js"
NUMBERS = [0, 7, 999, 1000, 1234.5678, -45678.91, 1e6 + 0.25, 12.5, 0.125, 2]
SCRIPT = """
const [path, numbers] = [process.argv[1], JSON.parse(process.argv[2])];
const f = await import(path);
const out = [];
for (const lang of ["vi", "en"]) for (const d of [0, 1, 2]) for (const n of numbers) out.push(f.number(n, lang, d));
for (const lang of ["vi", "en"]) for (const n of numbers) out.push(f.areaHa(n, lang), f.lengthKm(n, lang));
for (const lang of ["vi", "en"]) out.push(f.day("2026-03-05", lang), f.day("2025-12-31", lang));
console.log(JSON.stringify(out));
"""


def test_the_browser_formats_as_the_server_does():
    run = subprocess.run(["node", "--input-type=module", "-e", SCRIPT, str(FORMAT_JS), json.dumps(NUMBERS)],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    expected = [formatting.number(n, lang, d) for lang in ("vi", "en") for d in (0, 1, 2) for n in NUMBERS]
    expected += [x for lang in ("vi", "en") for n in NUMBERS
                 for x in (formatting.area_ha(n, lang), formatting.length_km(n, lang))]
    expected += [formatting.day(d, lang) for lang in ("vi", "en") for d in ("2026-03-05", "2025-12-31")]
    assert json.loads(run.stdout) == expected
