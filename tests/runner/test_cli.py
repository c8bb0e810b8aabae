"""Tests for the ``playbook`` command line (helpers.cli)."""

from __future__ import annotations

import json
import shutil

import pytest
from locations import FIXTURES as FIXTURE_ROOT

from helpers import cli, runner
from helpers.runner import Prepared

FIXTURES = FIXTURE_ROOT / "notebooks"


def _one_error_line(capsys) -> str:
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


def test_bad_date_is_a_one_line_error(tmp_path, capsys):
    assert cli.main(["run", "--data", str(tmp_path), "--date", "2026-13-01"]) == 2
    assert "invalid date '2026-13-01'" in _one_error_line(capsys)
    assert cli.main(["run", "--data", str(tmp_path), "--date", "15.11.2026"]) == 2
    assert "YYYY-MM-DD" in _one_error_line(capsys)


def test_missing_data_folder(tmp_path, capsys):
    assert cli.main(["run", "--data", str(tmp_path / "nope"), "--out", str(tmp_path)]) == 2
    assert "data folder not found" in _one_error_line(capsys)


def test_unknown_notebook_lists_available(tmp_path, capsys):
    argv = ["run", "--data", str(tmp_path), "--out", str(tmp_path / "out")]
    argv += ["--cache", str(tmp_path / "cache")]
    argv += ["--notebooks", str(FIXTURES), "--only", "nope"]
    assert cli.main(argv) == 2
    line = _one_error_line(capsys)
    assert "unknown notebook 'nope'" in line and "01_ok" in line and "04_bilingual" in line


def test_intake_error_is_reported_without_traceback(tmp_path, capsys, monkeypatch):
    intake = pytest.importorskip("helpers.intake")

    def failing_prepare(data_dir, settings, *, cache_dir, run_date, mapping=None):
        raise intake.IntakeError("orders.csv: column paid_amount: 'abc' is not a number")

    monkeypatch.setattr(runner, "default_prepare", failing_prepare)
    argv = ["run", "--data", str(tmp_path), "--out", str(tmp_path / "out")]
    argv += ["--cache", str(tmp_path / "cache")]
    argv += ["--notebooks", str(FIXTURES)]
    assert cli.main(argv) == 2
    assert "orders.csv: column paid_amount" in _one_error_line(capsys)


def test_usage_errors(capsys):
    assert cli.main(["run", "--lang", "fr"]) == 2
    assert "--lang" in _one_error_line(capsys)
    assert cli.main(["run", "--workers", "0"]) == 2
    assert "positive integer" in _one_error_line(capsys)
    assert cli.main([]) == 2
    _one_error_line(capsys)
    assert cli.main(["--help"]) == 0


@pytest.mark.notebooks
def test_run_only_one_notebook(tmp_path, capsys, monkeypatch):
    seen = {}

    def fake_prepare(data_dir, settings, *, cache_dir, run_date, mapping=None):
        seen.update(data_dir=data_dir, lang=settings.language, run_date=run_date)
        seen["engine"] = settings.facts.engine  # --engine reaches the facts' settings
        return Prepared(run_date, quarantined_rows=0)

    monkeypatch.setattr(runner, "default_prepare", fake_prepare)
    out = tmp_path / "reports"
    argv = ["run", "--data", str(tmp_path), "--out", str(out), "--date", "2026-11-15"]
    argv += ["--notebooks", str(FIXTURES), "--only", "ok", "--lang", "en", "--quiet"]
    argv += ["--cache", str(tmp_path / "cache"), "--engine", "pandas"]
    assert cli.main(argv) == 0
    assert seen == {
        "data_dir": tmp_path.resolve(),
        "lang": "en",
        "run_date": "2026-11-15",
        "engine": "pandas",
    }
    summary = json.loads((out / "2026-11-15" / "summary.json").read_text(encoding="utf-8"))
    assert [nb["name"] for nb in summary["notebooks"]] == ["01_ok"]
    assert summary["lang"] == "en"
    assert (out / "2026-11-15" / "01_ok.html").is_file()
    assert (out / "index.html").is_file()
    assert capsys.readouterr().err == ""  # --quiet


def test_sample_calls_generate_sample(tmp_path, capsys, monkeypatch):
    sample = pytest.importorskip("helpers.sample")
    calls = []

    def fake_generate(out_dir, **kw):
        calls.append((out_dir, kw))
        return {"orders": 10}

    monkeypatch.setattr(sample, "generate_sample", fake_generate)
    argv = ["sample", "--out", str(tmp_path), "--seed", "3", "--scale", "0.5", "--days", "30"]
    assert cli.main(argv + ["--format", "parquet", "--end", "2026-01-31"]) == 0
    assert calls == [
        (
            str(tmp_path),
            {"seed": 3, "end_date": "2026-01-31", "days": 30, "scale": 0.5, "fmt": "parquet"},
        )
    ]
    assert "orders: 10 rows" in capsys.readouterr().out


def test_strip_subcommand(tmp_path, capsys):
    import nbformat

    path = tmp_path / "nb.ipynb"
    shutil.copy(FIXTURES / "04_bilingual.ipynb", path)
    nb = nbformat.read(path, as_version=4)
    nb.cells[-1].execution_count = 1
    nbformat.write(nb, path)
    assert cli.main(["strip", "--check", str(tmp_path)]) == 1
    assert "has outputs" in capsys.readouterr().out
    assert cli.main(["strip", str(path)]) == 0
    assert cli.main(["strip", "--check", str(tmp_path)]) == 0
    assert cli.main(["strip", str(tmp_path / "missing.ipynb")]) == 2
