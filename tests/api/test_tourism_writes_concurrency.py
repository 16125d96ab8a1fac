"""Two editors holding the same ETag of a tourism listing, at the same moment (issue 14): exactly
one change is saved, the other gets a 412 and changes nothing (the row is locked and its version
checked inside the UPDATE). Served by uvicorn in a thread, so the two really run at once."""
from __future__ import annotations

import threading

import httpx
import psycopg

from api.app import create_app
from tests.api.growing_helpers import live_server
from tests.api.tourism_write_helpers import PLACES, people, place


def test_same_etag_at_once_exactly_one_wins(settings, demo_db):
    ctx = people(demo_db)
    with live_server(create_app(settings, url=demo_db)) as url, httpx.Client(base_url=url, timeout=30) as client:
        r = client.post(PLACES, headers=ctx["mai"], json=place(ctx["point"]))
        fid, tag = r.json()["id"], r.headers["etag"]
        for round_ in range(5):
            barrier, answers = threading.Barrier(2), {}

            def patch(who, name):
                with httpx.Client(base_url=url, timeout=30) as own:
                    barrier.wait()
                    answers[who] = own.patch(f"{PLACES}/{fid}", headers={**ctx[who], "If-Match": tag},
                                             json={"properties": {"name_vi": name}})

            threads = [threading.Thread(target=patch, args=("mai", f"Mai {round_}")),
                       threading.Thread(target=patch, args=("staff", f"Staff {round_}"))]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            codes = sorted(a.status_code for a in answers.values())
            assert codes == [200, 412], {k: (a.status_code, a.text[:200]) for k, a in answers.items()}
            winner = next(k for k, a in answers.items() if a.status_code == 200)
            tag = answers[winner].headers["etag"]
            with psycopg.connect(demo_db) as conn:
                name, version = conn.execute("SELECT name_vi, row_version FROM tourism_places WHERE id = %s",
                                             (fid,)).fetchone()
            assert name == ("Mai" if winner == "mai" else "Staff") + f" {round_}" and version == round_ + 2
