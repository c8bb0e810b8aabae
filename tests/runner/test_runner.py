"""Tests for helpers.runner: real papermill runs on tiny fixture notebooks.

The data-preparation step is replaced by a fake ``prepare`` so these tests do not depend on
intake or facts.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import nbformat
import pytest
from locations import FIXTURES as FIXTURE_ROOT

from helpers import runner
from helpers.runner import NotebookResult, Prepared, RunError

FIXTURES = FIXTURE_ROOT / "notebooks"
DATE = "2026-11-15"


def fake_prepare(data_dir, settings, *, cache_dir, run_date):
    return Prepared(run_date or DATE, quarantined_rows=7)


def _run(tmp_path_factory, name, **kw):
    data = tmp_path_factory.mktemp(f"data_{name}")
    out = tmp_path_factory.mktemp(f"out_{name}")
    result = runner.run(
        data_dir=data,
        out_dir=out,
        cache_dir=tmp_path_factory.mktemp(f"cache_{name}"),
        notebooks_dir=FIXTURES,
        prepare=fake_prepare,
        progress=False,
        workers=2,
        **kw,
    )
    return result, out


@pytest.fixture(scope="module")
def full_run(tmp_path_factory):
    return _run(tmp_path_factory, "full")


@pytest.fixture(scope="module")
def second_run(tmp_path_factory):
    return _run(tmp_path_factory, "second")


def _statuses(result):
    return {nb.name: nb.status for nb in result.notebooks}


def _html_text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


@pytest.mark.notebooks
def test_run_executes_all_but_underscore_notebooks(full_run):
    result, out = full_run
    assert result.run_date == DATE
    assert result.out_dir == out.resolve() / DATE
    assert _statuses(result) == {
        "01_ok": "ok",
        "02_raises": "failed",
        "03_bad_param": "failed",
        "04_bilingual": "ok",
    }  # _helper.ipynb is skipped
    assert result.exit_code == 1
    for nb in result.notebooks:
        assert (result.out_dir / f"{nb.name}.ipynb").is_file()
        assert nb.report == result.out_dir / f"{nb.name}.html"
        assert nb.report.is_file()
    errors = {nb.name: nb.error for nb in result.notebooks}
    assert errors["01_ok"] is None
    assert errors["02_raises"].startswith("ValueError: boom from fixture")
    assert errors["03_bad_param"].startswith("NameError:")


@pytest.mark.notebooks
def test_ok_report_hides_code_and_is_self_contained(full_run):
    result, _ = full_run
    page = _html_text(result.out_dir / "01_ok.html")
    assert "OK-MARKER" in page  # the output is there
    assert "CODE_ONLY_TOKEN" not in page  # the code is not
    assert "refund_rate" not in page  # (publish call source)
    assert '<html lang="zh-CN">' in page
    assert f"<title>正常的报告 OK · {DATE}</title>" in page
    assert not re.search(r"<script[^>]+src=", page)
    assert "<link" not in page


@pytest.mark.notebooks
def test_failed_report_shows_the_error(full_run):
    result, _ = full_run
    page = _html_text(result.out_dir / "02_raises.html")
    assert "ValueError" in page and "boom from fixture" in page
    assert "NOT_REACHED" not in page  # later cells did not run


@pytest.mark.notebooks
def test_language_and_remove_cell_tags_zh(full_run):
    result, _ = full_run
    page = _html_text(result.out_dir / "04_bilingual.html")
    assert "ZH_ONLY" in page
    assert "EN_ONLY" not in page
    assert "REMOVED_CELL_TEXT" not in page
    assert "LANG=zh" in page
    assert f"<title>双语报告 · {DATE}</title>" in page


@pytest.mark.notebooks
def test_only_and_english(tmp_path_factory):
    result, out = _run(tmp_path_factory, "en", only=["bilingual"], lang="en")
    assert [nb.name for nb in result.notebooks] == ["04_bilingual"]
    assert result.exit_code == 0
    page = _html_text(result.out_dir / "04_bilingual.html")
    assert "EN_ONLY" in page and "ZH_ONLY" not in page
    assert "REMOVED_CELL_TEXT" not in page
    assert "LANG=en" in page
    assert '<html lang="en">' in page
    assert f"<title>Bilingual report · {DATE}</title>" in page
    summary = json.loads((result.out_dir / "summary.json").read_text(encoding="utf-8"))
    assert summary["lang"] == "en"
    assert [nb["name"] for nb in summary["notebooks"]] == ["04_bilingual"]
    index = _html_text(result.out_dir / "index.html")
    assert '<html lang="en">' in index and "No alerts." in index


@pytest.mark.notebooks
def test_summary_json(full_run):
    result, _ = full_run
    summary = json.loads((result.out_dir / "summary.json").read_text(encoding="utf-8"))
    assert summary["run_date"] == DATE
    assert summary["lang"] == "zh"
    assert summary["shop_name"] == "示例店铺" and summary["currency"] == "CNY"
    assert {nb["name"]: nb["status"] for nb in summary["notebooks"]} == _statuses(result)
    assert summary["notebooks"][0]["report"] == "01_ok.html"  # relative link
    # alerts from both sidecars ("01_ok" by stem, "bad_param" by short name), high first
    assert [(a["notebook"], a["severity"]) for a in summary["alerts"]] == [
        ("01_ok", "high"),
        ("03_bad_param", "low"),
    ]
    assert summary["alerts"][0]["message"].startswith("<script>")  # raw in JSON
    assert summary["kpis"] == {
        "01_ok": {"gmv": {"label": "GMV", "unit": "CNY", "value": 1234.5, "vs_prev_day": 0.05}}
    }
    assert summary["quarantined_rows"] == 7  # from prepare, not the sidecar's 3
    assert summary["skipped"] == {}


@pytest.mark.notebooks
def test_index_pages(full_run):
    result, out = full_run
    index = _html_text(result.out_dir / "index.html")
    assert '<html lang="zh-CN">' in index
    for name in ("01_ok", "02_raises", "03_bad_param", "04_bilingual"):
        assert f'href="{name}.html"' in index
    assert "失败" in index and "成功" in index
    assert "<script>alert(1)</script>" not in index
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in index
    assert "<script" not in index
    root = _html_text(out / "index.html")
    assert f'href="{DATE}/index.html"' in root


@pytest.mark.notebooks
def test_summary_is_deterministic_except_seconds(full_run, second_run):
    def load(result):
        data = json.loads((result.out_dir / "summary.json").read_text(encoding="utf-8"))
        for nb in data["notebooks"]:
            nb.pop("seconds")
        return data

    first, second = full_run[0], second_run[0]
    assert load(first) == load(second)
    assert json.dumps(load(first), sort_keys=True) == json.dumps(load(second), sort_keys=True)


@pytest.mark.notebooks
def test_rerun_does_not_reuse_stale_sidecar(full_run, tmp_path):
    result, out = full_run
    stale = result.out_dir / "04_bilingual.summary.json"
    stale.write_text(json.dumps({"alerts": [{"severity": "high", "rule": "stale"}]}))
    again = runner.run(
        data_dir=tmp_path,
        out_dir=out,
        notebooks_dir=FIXTURES,
        only=["04_bilingual"],
        prepare=fake_prepare,
        progress=False,
    )
    summary = json.loads((again.out_dir / "summary.json").read_text(encoding="utf-8"))
    assert summary["alerts"] == []


def test_notebook_that_cannot_start_is_reported(tmp_path, capsys):
    nb_dir = tmp_path / "nbs"
    nb_dir.mkdir()
    (nb_dir / "01_broken.ipynb").write_text("{ this is not json", encoding="utf-8")
    result = runner.run(
        data_dir=tmp_path,
        out_dir=tmp_path / "out",
        notebooks_dir=nb_dir,
        run_date=DATE,
        prepare=fake_prepare,
    )
    (nb,) = result.notebooks
    assert nb.status == "failed" and nb.report is None and nb.error
    assert result.exit_code == 1
    summary = json.loads((result.out_dir / "summary.json").read_text(encoding="utf-8"))
    assert summary["notebooks"][0]["report"] is None
    err = capsys.readouterr().err
    assert "[1/1] 01_broken started" in err
    assert "[1/1] 01_broken failed" in err


def test_progress_false_is_silent(tmp_path, capsys):
    nb_dir = tmp_path / "nbs"
    nb_dir.mkdir()
    (nb_dir / "01_broken.ipynb").write_text("{", encoding="utf-8")
    runner.run(
        data_dir=tmp_path,
        out_dir=tmp_path / "out",
        notebooks_dir=nb_dir,
        prepare=fake_prepare,
        progress=False,
    )
    assert capsys.readouterr().err == ""


def test_select_notebooks():
    paths = runner.discover_notebooks(FIXTURES)
    assert [p.name for p in paths] == [
        "01_ok.ipynb",
        "02_raises.ipynb",
        "03_bad_param.ipynb",
        "04_bilingual.ipynb",
    ]
    assert [p.stem for p in runner.select_notebooks(paths, ["raises", "01_ok"])] == [
        "01_ok",
        "02_raises",
    ]
    assert runner.select_notebooks(paths, None) == paths
    with pytest.raises(RunError, match=r"unknown notebook 'nope'; available: 01_ok, 02_raises"):
        runner.select_notebooks(paths, ["nope"])


def test_run_rejects_bad_inputs_before_preparing(tmp_path):
    def boom(*a, **k):
        raise AssertionError("prepare must not be called")

    with pytest.raises(RunError, match="data folder not found"):
        runner.run(data_dir=tmp_path / "missing", out_dir=tmp_path, prepare=boom)
    with pytest.raises(RunError, match="expected YYYY-MM-DD"):
        runner.run(data_dir=tmp_path, out_dir=tmp_path, run_date="15/11/2026", prepare=boom)
    with pytest.raises(RunError, match="unknown notebook"):
        runner.run(
            data_dir=tmp_path, out_dir=tmp_path, notebooks_dir=FIXTURES, only=["x"], prepare=boom
        )


def test_parse_run_date():
    import datetime as dt

    import pandas as pd

    assert runner.parse_run_date("2026-11-05") == "2026-11-05"
    assert runner.parse_run_date(dt.date(2026, 1, 2)) == "2026-01-02"
    assert runner.parse_run_date(pd.Timestamp("2026-01-02 13:00")) == "2026-01-02"
    for bad in ("2026-02-30", "2026-1-2", "yesterday", ""):
        with pytest.raises(RunError):
            runner.parse_run_date(bad)


def test_short_name():
    assert runner.short_name("05_daily_review") == "daily_review"
    assert runner.short_name("daily_review") == "daily_review"


def test_build_summary_sorts_alerts_and_keys_by_notebook():
    from helpers.settings import Settings

    results = [
        NotebookResult("01_a", "ok", 1.0, None),
        NotebookResult("02_b", "failed", 2.0, None, "E: x"),
    ]
    sidecars = {
        "01_a": {
            "alerts": [
                {"severity": "low", "rule": "z", "subject": "s"},
                {"severity": "high", "rule": "b", "subject": "t"},
            ],
            "kpis": {"gmv": {"value": 1}},
            "quarantined": 5,
            "skipped": ["market"],
        },
        "02_b": {
            "alerts": [
                {"severity": "high", "rule": "a", "subject": "u"},
                {"severity": "medium", "rule": "a", "subject": "u"},
                {"severity": "high", "rule": "b", "subject": "s"},
            ]
        },
    }
    s = runner.build_summary(
        results, sidecars, run_date=DATE, settings=Settings(), quarantined_rows=None
    )
    assert [(a["severity"], a["rule"], a["subject"], a["notebook"]) for a in s["alerts"]] == [
        ("high", "a", "u", "02_b"),
        ("high", "b", "s", "02_b"),
        ("high", "b", "t", "01_a"),
        ("medium", "a", "u", "02_b"),
        ("low", "z", "s", "01_a"),
    ]
    assert s["kpis"] == {"01_a": {"gmv": {"value": 1}}}
    assert s["quarantined_rows"] == 5  # from the sidecar when prepare did not say
    assert s["skipped"] == {"01_a": ["market"]}


def test_strip_outputs(tmp_path):
    path = tmp_path / "nb.ipynb"
    shutil.copy(FIXTURES / "01_ok.ipynb", path)
    nb = nbformat.read(path, as_version=4)
    nb.cells[1].execution_count = 3
    nb.cells[1].outputs = [nbformat.v4.new_output("stream", text="hi")]
    nb.metadata["papermill"] = {"duration": 1.0}
    nbformat.write(nb, path)
    assert runner.strip_outputs(path, write=False) is True
    assert runner.strip_outputs(path) is True
    clean = nbformat.read(path, as_version=4)
    assert clean.cells[1].outputs == [] and clean.cells[1].execution_count is None
    assert "papermill" not in clean.metadata
    assert runner.strip_outputs(path) is False
    assert path.read_text(encoding="utf-8") == (FIXTURES / "01_ok.ipynb").read_text(
        encoding="utf-8"
    )
