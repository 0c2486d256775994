"""Every notebook under notebooks/ executes without error (they are stored without outputs),
and every cell that draws a figure shows it (the inline backend, as in Jupyter)."""

import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = sorted((Path(__file__).resolve().parents[2] / "notebooks").glob("*.ipynb"))
# A cell draws when it makes a figure or plots on axes.
DRAWS = re.compile(r"plt\.(subplots|figure)\(|\.plot\(|\bax\w*\.(bar|scatter|step|hist)\(")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_and_shows_its_figures(path):
    nb = nbformat.read(path, as_version=4)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), "strip outputs before committing"
    assert not any("matplotlib.use(" in c.source for c in nb.cells), "a non-inline backend hides the figures in Jupyter"
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    drawing = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and DRAWS.search(c.source)]
    assert drawing, f"{path.name} draws nothing"
    for i in drawing:
        images = [o for o in nb.cells[i].get("outputs", []) if "image/png" in o.get("data", {})]
        assert images, f"{path.name} cell {i} draws a figure but shows no image"
