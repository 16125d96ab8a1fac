"""NTM assessments 2021–2025 for every rural commune, improving year by year.

Wards (phường) are urban and outside the NTM programme, so they get no assessment.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from layers.jobs.demo.regions import HIGHLAND, LOWLAND, MIDLAND, WARD

START = {LOWLAND: (15, 19), MIDLAND: (11, 18), HIGHLAND: (6, 13)}
# Criteria communes most often still miss: income, poverty, production organisation,
# environment, schools, transport.
HARD = {10: 5, 11: 5, 13: 4, 17: 4, 5: 3, 2: 3, 14: 2, 6: 2}


def assessments(rng, communes: pd.DataFrame, criteria_numbers: list[int]) -> tuple[pd.DataFrame, pd.DataFrame]:
    total = len(criteria_numbers)
    p_missing = np.array([HARD.get(n, 1) for n in criteria_numbers], dtype=float)
    rows, results = [], []
    for c in communes.itertuples():
        if c.region == WARD:
            continue
        met = int(rng.integers(*START[c.region]))
        missing = set(rng.choice(criteria_numbers, total - met, replace=False, p=p_missing / p_missing.sum()))
        level, years_standard = "not_met", 0
        for year in range(2021, 2026):
            if year > 2021 and missing:
                for _ in range(int(rng.integers(0, 3))):
                    if missing:
                        missing.discard(sorted(missing)[int(rng.integers(0, len(missing)))])
            if not missing:
                years_standard += 1
                if level == "not_met":
                    level = "standard"
                elif level == "standard" and years_standard >= 2 and c.region != HIGHLAND and rng.random() < 0.35:
                    level = "advanced"
                elif level == "advanced" and rng.random() < 0.3:
                    level = "model"
            aid = len(rows) + 1
            rows.append({"id": aid, "commune_code": c.code, "year": year, "level": level,
                         "decision_ref": f"{int(rng.integers(100, 5000))}/QĐ-UBND" if level != "not_met" else None})
            results += [(aid, n, n not in missing) for n in criteria_numbers]
    return pd.DataFrame(rows), pd.DataFrame(results, columns=["assessment_id", "number", "met"])
