"""Teaching text and exercises in the batch reports.

Every themed notebook carries teaching text in cells tagged ``teach`` ("what you will learn"
under the title, "how to read" under each section's output, "what to do next" at the end)
and an exercise in cells tagged ``exercise``. The daily reports leave the teaching text out
unless the run asks for it (``playbook run --explain``) and never show an exercise.
"""

from __future__ import annotations

import re

import nbformat
import pytest
from batch_runs import batch_run
from locations import ROOT, SAMPLE

from helpers import cli, runner

pytestmark = pytest.mark.notebooks

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))
EXPLAINED = ("00_start_here", "05_daily_review")
CJK_RUN = re.compile(r"[\u4e00-\u9fff，、：；（）]{8,}")


def _cells(path, tag: str, lang_tag: str = "lang-zh"):
    nb = nbformat.read(path, as_version=4)
    return [
        c
        for c in nb.cells
        if tag in c.metadata.get("tags", [])
        and (c.cell_type == "code" or lang_tag in c.metadata.get("tags", []))
    ]


def _snippets(path, tag: str) -> list[str]:
    """A run of Chinese text from every zh Markdown cell with ``tag`` (what a page would
    show if the cell were kept)."""
    out = []
    for c in _cells(path, tag):
        if c.cell_type != "markdown":
            continue
        runs = CJK_RUN.findall(c.source)
        if runs:  # the longest run: a sentence no kept cell repeats
            out.append(max(runs, key=len))
    return out


@pytest.fixture(scope="module")
def explained_run(tmp_path_factory, run_cache):
    return batch_run(
        tmp_path_factory.mktemp("explained"),
        SAMPLE,
        cache=run_cache,
        only=list(EXPLAINED),
        explain=True,
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_notebook_teaches_and_has_an_exercise(path):
    teach = _cells(path, "teach")
    text = "\n".join(c.source for c in teach)
    assert re.search("你将学到|你会学到", text), "what you will learn"
    assert "怎么看" in text, "how to read"
    assert "下一步" in text, "what to do next"
    en = "\n".join(c.source for c in _cells(path, "teach", "lang-en"))
    assert re.search("(?i)what you will learn", en) and "How to read" in en
    exercise = [c for c in _cells(path, "exercise") if c.cell_type == "code"]
    assert len(exercise) == 1 and "answer = " in exercise[0].source
    nb = nbformat.read(path, as_version=4)
    params = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    assert "explain = True" in params.source  # on when the notebook is opened by hand


def test_batch_reports_are_lean_by_default(sample_run):
    for path in NOTEBOOKS:
        html = sample_run.html(path.stem)
        for snippet in _snippets(path, "teach") + _snippets(path, "exercise"):
            assert snippet not in html, (path.stem, snippet)
        assert "answer = " not in html and "练习" not in html
        assert "Loading widget" not in html


def test_explain_keeps_the_teaching_text_but_no_exercise(explained_run):
    assert explained_run.failures() == {}
    for stem in EXPLAINED:
        path = ROOT / "notebooks" / f"{stem}.ipynb"
        html = explained_run.html(stem)
        snippets = _snippets(path, "teach")
        assert snippets and all(s in html for s in snippets), stem
        for snippet in _snippets(path, "exercise"):
            assert snippet not in html
        assert "怎么看" in html


def test_removed_tags_and_the_command_line_switch():
    assert "teach" in runner._removed_tags("zh") and "exercise" in runner._removed_tags("zh")
    assert "teach" not in runner._removed_tags("zh", explain=True)
    assert "exercise" in runner._removed_tags("en", explain=True)
    assert cli.build_parser().parse_args(["run", "--explain"]).explain is True
    assert cli.build_parser().parse_args(["run"]).explain is False


def test_metric_names_link_to_the_glossary():
    glossary = (ROOT / "docs" / "metrics.md").read_text(encoding="utf-8")
    linked = set()
    for path in NOTEBOOKS:
        text = "\n".join(c.source for c in _cells(path, "teach"))
        anchors = set(re.findall(r"\]\(\.\./docs/metrics\.md#([a-z0-9_]+)\)", text))
        if path.stem != "00_start_here":
            assert anchors, path.stem
        linked |= anchors
    for anchor in linked:
        assert f'<a name="{anchor}"></a>' in glossary, anchor
    assert {"cvr", "gmv"} <= linked
