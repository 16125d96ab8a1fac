"""Every notebook in notebooks/ runs top to bottom against the demo through a live server.

Notebooks read the service's URL from NTM_MAP_URL and the database from DATABASE_URL (both the
test's own demo, never the developer's database).
"""
from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = sorted((Path(__file__).resolve().parents[2] / "notebooks").glob("*.ipynb"))


def test_the_quickstart_is_there():
    assert "open_data_quickstart.ipynb" in [p.name for p in NOTEBOOKS]


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs(notebook, od_live_url, od_demo, tmp_path, monkeypatch):
    monkeypatch.setenv("NTM_MAP_URL", od_live_url)
    monkeypatch.setenv("DATABASE_URL", od_demo)
    monkeypatch.setenv("NTM_NOTEBOOK_OUT", str(tmp_path))
    nb = nbformat.read(notebook, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    if notebook.stem == "open_data_quickstart":
        text = " ".join(o.get("text", "") for o in outputs if o.get("output_type") == "stream")
        assert "meet the NTM standard" in text and "ntm_results" in text
