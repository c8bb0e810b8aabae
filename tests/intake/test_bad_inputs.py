"""The bad-input corpus (tests/intake/bad_inputs/cases.yaml): every case read by intake gives
its stated outcome - the value accepted, or the row quarantined with its file, row, column
and what to fix - (docs/bad_data.md is generated from the corpus: tests/test_docs.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from intake.intake_checks import check_balance, load

from helpers.facts import last_complete_day
from helpers.intake import IntakeError
from helpers.intake.corpus_doc import CORPUS, load_cases
from helpers.settings import IntakeSettings, Settings

CASES = load_cases(CORPUS)

#: Companion files added when a case does not give the table itself.
COMPANIONS = {
    "orders.csv": "order_id,customer_id,created_at,paid_at,status,paid_amount\n"
    "A1,C1,2026-11-01 10:00:00,2026-11-01 10:01:00,paid,10\n",
    "order_items.csv": "order_id,line_no,sku_id,quantity,unit_price\nA1,1,S1,1,10\n",
}


def encode(case: dict[str, Any]) -> bytes:
    """The case's file bytes: its encoding, with ``utf8_lines`` written in UTF-8 and
    ``gbk_lines`` in GB18030."""
    encoding = case.get("encoding", "utf-8")
    other = {i: "utf-8" for i in case.get("utf8_lines", ())}
    other.update({i: "gb18030" for i in case.get("gbk_lines", ())})
    lines = case["text"].splitlines(keepends=True)
    return b"".join(line.encode(other.get(i, encoding)) for i, line in enumerate(lines, start=1))


def write_case(tmp_path: Path, case: dict[str, Any]) -> Path:
    d = tmp_path / case["id"]
    d.mkdir()
    name = case.get("file", "orders.csv")
    (d / name).write_bytes(encode(case))
    for companion, text in COMPANIONS.items():
        if companion != name:
            (d / companion).write_text(text, encoding="utf-8")
    return d


def settings_for(case: dict[str, Any]) -> Settings:
    return Settings(intake=IntakeSettings(**case.get("intake", {})))


def assert_accepted(ds, want: dict[str, Any]) -> None:
    table = ds[want["table"]]
    rows = table.loc[table["order_id"] == want["order_id"]]
    assert len(rows) == 1, (table, ds.quarantine)
    got = rows.iloc[0][want["column"]]
    expected = want["value"]
    if pd.api.types.is_datetime64_any_dtype(table[want["column"]]):
        assert got == pd.Timestamp(expected)
    elif isinstance(expected, float | int) and not isinstance(expected, bool):
        assert got == pytest.approx(float(expected))
    else:
        assert got == expected


def assert_quarantined(ds, case: dict[str, Any], want: dict[str, Any]) -> None:
    q = ds.quarantine
    hit = q.loc[
        (q["table"] == want["table"])
        & (q["file"] == case.get("file", "orders.csv"))
        & (q["row"] == want["row"])
    ]
    assert len(hit) == 1, q.to_dict("records")
    rec = hit.iloc[0]
    assert want["column"] in rec["column"].split("; ") or want["column"] == rec["column"]
    assert want["reason"] in rec["reason"], rec.to_dict()


def assert_note(ds, case: dict[str, Any], text: str) -> None:
    s = ds.sources
    notes = " | ".join(s.loc[s["file"] == case.get("file", "orders.csv"), "note"])
    assert text in notes, notes


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_bad_input_case(tmp_path, case):
    d = write_case(tmp_path, case)
    expect = case["expect"]
    if "error" in expect:
        with pytest.raises(IntakeError, match=expect["error"]):
            load(d, settings=settings_for(case))
        return
    ds = load(d, settings=settings_for(case))
    check_balance(ds)
    if "accepted" in expect:
        assert_accepted(ds, expect["accepted"])
    if "quarantined" in expect:
        assert_quarantined(ds, case, expect["quarantined"])
    if "note" in expect:
        assert_note(ds, case, expect["note"])
    if "run_date" in expect:
        assert last_complete_day(ds["orders"]) == pd.Timestamp(expect["run_date"])


def test_the_corpus_covers_at_least_forty_cases_and_every_finding():
    assert len(CASES) >= 40
    assert len({c["id"] for c in CASES}) == len(CASES)
    assert {4, 5, 6} <= {c["finding"] for c in CASES}
