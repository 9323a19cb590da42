"""The example notebook runs in a Jupyter kernel and shows the Guide's estimate."""

from __future__ import annotations

import jupytext
from nbclient import NotebookClient

from conftest import REPO


def test_the_example_runs_as_a_notebook_and_shows_the_guide_estimate():
    examples = REPO / "examples"
    notebook = jupytext.read(examples / "python_rta_scenario.py")
    # Jupyter runs a notebook in its own folder.
    NotebookClient(
        notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(examples)}}
    ).execute()
    outputs = []
    for cell in notebook.cells:
        for out in cell.get("outputs", []):
            assert out.get("output_type") != "error", out
            outputs.append(out.get("text", "") + str(out.get("data", {}).get("text/plain", "")))
    shown = "\n".join(outputs)
    # The tidy() table of the RTA model, as the notebook displays it.
    assert "0.557185" in shown and "0.102" in shown, shown[:2000]
    assert "real_gdp_full" in shown
