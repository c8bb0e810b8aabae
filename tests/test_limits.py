"""Resource limits on inputs (finding 6): an over-long line, a decompression bomb and
100,000-character cells fail fast or are cut, with messages naming the file and the limit.
(Memory and time are measured in benchmarks/, never asserted here.)"""

from __future__ import annotations

import gzip

import pytest

from helpers import cli, limits
from helpers.intake import IntakeError, load_dataset
from helpers.settings import Settings

HEADER = "order_id,customer_id,created_at,paid_at,status,paid_amount,channel,shipped_at\n"
ROW = "o{n},c1,2026-03-01 10:00,2026-03-01 10:05,completed,100,{channel},\n"
ITEMS = "order_id,line_no,sku_id,quantity,unit_price,title\no1,1,A,1,100,咖啡\n"


def _folder(tmp_path, orders: bytes, name: str = "orders.csv"):
    d = tmp_path / "d"
    d.mkdir()
    (d / name).write_bytes(orders)
    (d / "order_items.csv").write_text(ITEMS, encoding="utf-8")
    return d


def test_a_line_longer_than_the_limit_is_refused_by_name(tmp_path, capsys):
    line = ROW.format(n=1, channel="x" * (limits.MAX_LINE_BYTES + 10))
    d = _folder(tmp_path, gzip.compress((HEADER + line).encode()), "orders.csv.gz")
    with pytest.raises(IntakeError, match=r"orders.csv.gz: a line is longer than 1 MiB"):
        load_dataset(d, Settings(), cache_dir=False)
    assert cli.main(["check", "--data", str(d), "--cache", str(tmp_path / "c")]) == 2
    err = capsys.readouterr().err
    assert "longer than 1 MiB" in err and "Traceback" not in err


def test_a_decompression_bomb_is_refused(tmp_path, monkeypatch):
    # the limit applies from GZIP_RATIO_FROM bytes (256 MiB); 4 MiB here keeps the test small
    monkeypatch.setattr(limits, "GZIP_RATIO_FROM", 1 << 20)
    body = HEADER + ROW.format(n=1, channel="搜索") * 60_000  # ~4.5 MB of one repeated row
    packed = gzip.compress(body.encode(), compresslevel=9)
    assert len(body.encode()) > limits.MAX_GZIP_RATIO * len(packed)
    d = _folder(tmp_path, packed, "orders.csv.gz")
    with pytest.raises(IntakeError, match=r"expands more than 100 times"):
        load_dataset(d, Settings(), cache_dir=False)


def test_ordinary_gzip_files_pass(tmp_path):
    rows = "".join(ROW.format(n=n, channel=f"渠道{n % 7}") for n in range(1, 200))
    d = _folder(tmp_path, gzip.compress((HEADER + rows).encode()), "orders.csv.gz")
    assert len(load_dataset(d, Settings(), cache_dir=False)["orders"]) == 199


def test_long_free_text_is_cut_at_intake(tmp_path):
    rows = ROW.format(n=1, channel="长" * 100_000) + ROW.format(n=2, channel="搜索")
    d = _folder(tmp_path, (HEADER + rows).encode("utf-8"))
    orders = load_dataset(d, Settings(), cache_dir=False)["orders"].set_index("order_id")
    cut = orders.loc["o1", "channel"]
    assert len(cut) == limits.MAX_TEXT_CHARS and cut.endswith("…") and cut.startswith("长长")
    assert orders.loc["o2", "channel"] == "搜索"


def test_check_text_file_streams_in_chunks(tmp_path):
    """Lines split across chunk borders are measured whole."""
    p = tmp_path / "a.csv"
    p.write_bytes(b"h\n" + b"y" * (limits.MAX_LINE_BYTES - 5) + b"\n" + b"z" * 10 + b"\n")
    limits.check_text_file(p)  # within the limit
    p.write_bytes(b"h\n" + b"y" * (limits.MAX_LINE_BYTES + 1) + b"\nshort\n")
    with pytest.raises(limits.LimitError):
        limits.check_text_file(p)


def test_alias_bomb_in_a_mapping_is_refused_but_ordinary_aliases_work():
    """Finding 6: mappings may reuse a condition with ``*name`` (the UCI mapping does), but a
    few hundred bytes of nested aliases cannot stand for gigabytes."""
    from helpers.intake.mapping import SourceMapping, builtin_mappings
    from helpers.safe_yaml import MAX_EXPANDED_NODES

    bomb = "\n".join(
        ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
        + [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 9)]
        + ["name: bomb"]
    )
    assert len(bomb) < 1000 and MAX_EXPANDED_NODES < 9**9
    with pytest.raises(IntakeError, match="aliases expand to more than"):
        SourceMapping.from_text(bomb, where="mapping file bomb.yaml")
    assert "uci_online_retail" in {m.name for m in builtin_mappings()}
