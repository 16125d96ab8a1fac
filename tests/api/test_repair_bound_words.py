"""What stopped a boundary's repair (layers.workers.bounded: the deadline, the memory cap, a
death) reaches staff in their page's language from the catalogue, naming the bound."""
from __future__ import annotations

import pytest
import shapely

from api.routes.growing_messages import problem_text
from layers.workers.bounded import Unbounded
from layers.write.growing.shapes import too_complex

pytestmark = pytest.mark.unit

BOX = shapely.box(105.5, 18.5, 105.51, 18.51)
CASES = [  # why the runner gave, the words each language must say
    (str(Unbounded("it reached its memory cap of 1,024 MB", "memory")), "giới hạn bộ nhớ 1.024 MB", "memory cap of 1,024 MB"),
    (str(Unbounded("it took more than 3 s", "time")), "cần hơn 3 giây", "took more than 3 s"),
    (str(Unbounded("its worker process died", "died")), "đã dừng giữa chừng", "stopped part-way"),
    ("it crosses itself in more than 1,000,000 places", "tự cắt ở hơn 1.000.000 chỗ", "more than 1,000,000 places"),
]


@pytest.mark.parametrize("why,vi,en", CASES)
def test_the_bound_that_stopped_a_repair_is_said_in_the_page_language(why, vi, en):
    problem = too_complex(BOX, why).problems[0]
    assert problem.rule == "geometry_invalid" and why in problem.message  # programs keep the English
    assert vi in problem_text(problem, "vi") and "Ranh giới" in problem_text(problem, "vi")
    assert en in problem_text(problem, "en") and "worker" not in problem_text(problem, "en")
