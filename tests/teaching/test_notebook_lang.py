"""One language per notebook in JupyterLab: ``playbook lang zh|en`` collapses the other
language's Markdown cells and sets the ``lang`` parameter; the batch export ignores it."""

from __future__ import annotations

import shutil

import nbformat
import pytest
from locations import ROOT

from helpers import cli, runner
from helpers.notebook_lang import language_of, set_language

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))


def _hidden(cell) -> bool:
    return bool(cell.metadata.get("jupyter", {}).get("source_hidden"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_notebooks_show_chinese_only(path):
    assert language_of(path) == "zh"
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        tags = cell.metadata.get("tags", [])
        if "lang-en" in tags:
            assert _hidden(cell)
        if "lang-zh" in tags:
            assert not _hidden(cell)


def test_switching_to_english_and_back(tmp_path):
    nb_path = tmp_path / "05_daily_review.ipynb"
    shutil.copy(ROOT / "notebooks" / "05_daily_review.ipynb", nb_path)
    assert cli.main(["lang", "en", str(tmp_path)]) == 0
    nb = nbformat.read(nb_path, as_version=4)
    md = [c for c in nb.cells if c.cell_type == "markdown"]
    assert all(_hidden(c) for c in md if "lang-zh" in c.metadata.get("tags", []))
    assert not any(_hidden(c) for c in md if "lang-en" in c.metadata.get("tags", []))
    params = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    assert 'lang = "en"' in params.source
    assert language_of(nb_path) == "en"
    assert set_language(nb_path, "en") is False  # already English: nothing to change
    assert set_language(nb_path, "zh") is True
    back = nbformat.read(nb_path, as_version=4)
    assert 'lang = "zh"' in next(
        c.source for c in back.cells if "parameters" in c.metadata.get("tags", [])
    )
    with pytest.raises(ValueError):
        set_language(nb_path, "fr")


def test_the_report_ignores_the_collapsed_state(tmp_path):
    nb_path = tmp_path / "00_start_here.ipynb"
    shutil.copy(ROOT / "notebooks" / "00_start_here.ipynb", nb_path)
    set_language(nb_path, "zh")  # English cells collapsed
    nb = nbformat.read(nb_path, as_version=4)
    html = tmp_path / "page.html"
    runner.export_html(nb, html, lang="en", run_date="2026-11-15", explain=True)
    text = html.read_text(encoding="utf-8")
    assert "What you will learn" in text and "你将学到" not in text
