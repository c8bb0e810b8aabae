"""Keyed pseudonyms (finding 2), no personal data in caches and outputs (finding 3), a cache
that checks itself (finding 5)."""

from __future__ import annotations

import hashlib
import hmac
import os
import stat
import threading
import warnings

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from locations import FIXTURES

from helpers import cli, privacy, runner
from helpers.context import prepare
from helpers.intake import load_dataset
from helpers.notices import PlaybookNotice
from helpers.settings import Settings

TAOBAO = FIXTURES / "intake" / "taobao_orders_gbk.csv"
PHONE, ID_CARD = "13812345678", "11010519491231002X"

ORDERS = f"""order_id,customer_id,created_at,paid_at,status,paid_amount,channel,shipped_at
o1,c1,2026-03-01 10:00,2026-03-01 10:05,completed,100,搜索 {PHONE},2026-03-01 20:00
o2,c2,2026-03-02 11:00,2026-03-02 11:10,completed,50,直播 +86 138-1234-5678,
o3,c3,2026-03-03 12:00,2026-03-03 12:10,paid,138-1234-5678,搜索,
o4,c1,2026-03-03 13:00,2026-03-03 13:10,paid,80,私域,
"""
ITEMS = f"""order_id,line_no,sku_id,quantity,unit_price,title
o1,1,A,1,100,咖啡 身份证{ID_CARD}
o2,1,B,1,50,蜂蜜
o4,1,A,1,80,咖啡
"""


def _shop(folder):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "orders.csv").write_text(ORDERS, encoding="utf-8")
    (folder / "order_items.csv").write_text(ITEMS, encoding="utf-8")
    return folder


def _taobao(folder):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / TAOBAO.name).write_bytes(TAOBAO.read_bytes())
    return folder


# --------------------------------------------------------------------- keyed pseudonyms
def test_ids_cannot_be_recomputed_without_the_key(tmp_path):
    """Finding 2: with the documented default salt, every Taobao-style nickname could be
    turned back from its id by trying candidates. Now the id is an HMAC under a secret key:
    the unkeyed hash of the right nickname, with any public salt, does not give it."""
    ds = load_dataset(_taobao(tmp_path / "d"), Settings(), cache_dir=False)
    ids = set(ds["orders"]["customer_id"])
    nick = "小鱼儿2019"  # a buyer of the fixture
    for salt in ("", "playbook", "salt", "ecom-playbook"):
        assert "u_" + hashlib.sha256((salt + nick).encode()).hexdigest()[:16] not in ids
    keyed = "u_" + hmac.new(privacy.installation_key(), nick.encode(), "sha256").hexdigest()[:16]
    assert keyed in ids


def test_ids_are_stable_with_the_key_and_change_with_another(tmp_path, monkeypatch):
    data = _taobao(tmp_path / "d")
    first = load_dataset(data, Settings(), cache_dir=False)["orders"]["customer_id"]
    again = load_dataset(data, Settings(), cache_dir=False)["orders"]["customer_id"]
    assert first.tolist() == again.tolist()
    monkeypatch.setenv(privacy.KEY_FILE_ENV, str(tmp_path / "other" / "pseudonym.key"))
    other = load_dataset(data, Settings(), cache_dir=False)["orders"]["customer_id"]
    assert set(other).isdisjoint(set(first))
    assert other.nunique() == first.nunique()  # same buyers, other names


def test_key_file_is_made_once_from_a_random_source_owner_only(tmp_path, monkeypatch):
    path = tmp_path / "config" / "pseudonym.key"
    monkeypatch.setenv(privacy.KEY_FILE_ENV, str(path))
    keys = []
    threads = [
        threading.Thread(target=lambda: keys.append(privacy.installation_key())) for _ in range(4)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(keys)) == 1 and len(keys[0]) == privacy.KEY_BYTES
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert [p.name for p in path.parent.iterdir()] == ["pseudonym.key"]
    monkeypatch.setenv(privacy.KEY_FILE_ENV, str(tmp_path / "elsewhere.key"))
    assert privacy.installation_key() != keys[0]  # random, not derived from anything


def test_key_file_readable_by_others_or_damaged_is_refused(tmp_path, monkeypatch):
    path = tmp_path / "k" / "pseudonym.key"
    monkeypatch.setenv(privacy.KEY_FILE_ENV, str(path))
    privacy.installation_key()
    path.chmod(0o644)
    with pytest.raises(privacy.PseudonymKeyError, match="chmod 600"):
        privacy.installation_key()
    path.chmod(0o600)
    path.write_text("not a key")
    with pytest.raises(privacy.PseudonymKeyError, match="damaged"):
        privacy.installation_key()


def test_default_settings_use_the_installation_key():
    assert Settings().pii_salt == ""
    assert privacy.pseudonym_key("") == privacy.installation_key()
    assert (
        privacy.pseudonym_key("a supplied key of some length") == b"a supplied key of some length"
    )


@pytest.mark.parametrize(
    ("supplied", "words"),
    [("playbook", "old documented default"), ("short", "only 5 characters"), ("", None)],
)
def test_weak_keys_give_a_notice(supplied, words):
    text = privacy.key_notice(supplied)
    if words is None:
        assert text is None
    else:
        assert words in text and "recompute customer ids" in text
    assert privacy.key_notice("x7#Lq9!vR2@pT4%w") is None


def test_run_with_a_weak_key_prints_a_notice(tmp_path, capsys):
    (tmp_path / "playbook.yaml").write_text("pii_salt: playbook\n", encoding="utf-8")
    with pytest.warns(PlaybookNotice, match="old documented default"):
        runner.run(
            data_dir=tmp_path,
            out_dir=tmp_path / "out",
            notebooks_dir=FIXTURES / "notebooks",
            prepare=lambda *a, **k: runner.Prepared("2026-03-03"),
            progress=False,
            run_timeout=1e-9,  # no notebook starts: only the notice matters here
        )


# --------------------------------------------------------------------- masking
@pytest.mark.parametrize(
    ("text", "masked"),
    [
        (f"电话{PHONE}请回电", "电话[phone]请回电"),
        ("+86 138-1234-5678", "[phone]"),
        ("0086 13812345678.", "[phone]."),
        (f"身份证 {ID_CARD}", "身份证 [id-card]"),
        ("110105194912310021", "[id-card]"),
        ("订单 4051234567890123456", "订单 4051234567890123456"),  # 19-digit order number
        ("金额 13800.00 元", "金额 13800.00 元"),
        ("SKU 12812345678", "SKU 12812345678"),  # not a mobile prefix
    ],
)
def test_mask_text(text, masked):
    assert privacy.mask_text(text) == masked


@given(st.text(alphabet=st.sampled_from("0123456789 -+X号码电话ab"), max_size=60))
def test_masked_text_has_no_phone_or_id_left(text):
    out = privacy.mask_text(text)
    assert privacy.mask_text(out) == out  # nothing left to mask
    if not any(ch.isdigit() for ch in text):
        assert out == text


def test_intake_masks_free_text_and_quarantine_and_writes_the_cache_owner_only(tmp_path):
    """Finding 3: a phone and an ID-card number typed into free text and a phone in a broken
    amount used to reach the tables, the cache's quarantine.parquet (0644) and the pages."""
    cache = tmp_path / "cache"
    ds = load_dataset(_shop(tmp_path / "d"), Settings(), cache_dir=cache)
    orders = ds["orders"].set_index("order_id")
    assert orders.loc["o1", "channel"] == "搜索 [phone]"
    assert orders.loc["o2", "channel"] == "直播 [phone]"
    assert ds["order_items"].set_index("order_id").loc["o1", "title"] == "咖啡 身份证[id-card]"
    q = ds.quarantine
    assert (q["file"] == "orders.csv").any()  # o3: a phone number typed as the amount
    assert not q["value"].str.contains("5678").any()
    assert not q["reason"].str.contains("5678").any()
    files = [p for p in cache.rglob("*") if p.is_file()]
    assert files
    for p in files:
        raw = p.read_bytes()
        assert b"5678" not in raw and b"19491231" not in raw, p.name
        assert stat.S_IMODE(p.stat().st_mode) & 0o077 == 0, p
    for p in [cache, *(p for p in cache.rglob("*") if p.is_dir())]:
        assert stat.S_IMODE(p.stat().st_mode) == 0o700, p


# --------------------------------------------------------------------- a cache that checks itself
def _entry(cache):
    # the dataset's entry (the per-day facts store sits beside it in ``days/``)
    (entry,) = [
        p for p in cache.iterdir() if p.is_dir() and p.name != "days" and not p.name.startswith(".")
    ]
    return entry


def _load(data, cache):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", PlaybookNotice)
        ds = load_dataset(data, Settings(), cache_dir=cache)
    return ds, [str(w.message) for w in caught if w.category is PlaybookNotice]


def test_truncated_cache_entry_is_noticed_and_rebuilt(tmp_path):
    """Finding 5: a truncated file used to make every run fail until deleted by hand."""
    data, cache = _shop(tmp_path / "d"), tmp_path / "cache"
    first, _ = _load(data, cache)
    orders = _entry(cache) / "tables" / "orders.parquet"
    orders.write_bytes(orders.read_bytes()[:100])
    rebuilt, notices = _load(data, cache)
    assert not rebuilt.from_cache and len(notices) == 1
    assert "damaged cache entry" in notices[0] and "orders.parquet" in notices[0]
    pd.testing.assert_frame_equal(rebuilt["orders"], first["orders"])
    third, notices = _load(data, cache)
    assert third.from_cache and notices == []  # the entry was written again


def test_doctored_but_valid_parquet_is_not_used(tmp_path):
    """Finding 5: paid_amount x 100 written back as valid Parquet used to be read silently."""
    data, cache = _shop(tmp_path / "d"), tmp_path / "cache"
    first, _ = _load(data, cache)
    orders = _entry(cache) / "tables" / "orders.parquet"
    doctored = pd.read_parquet(orders)
    doctored["paid_amount"] = doctored["paid_amount"] * 100
    orders.chmod(0o600)
    doctored.to_parquet(orders, index=False)
    again, notices = _load(data, cache)
    assert notices and "changed since it was written" in notices[0]
    assert again["orders"]["paid_amount"].tolist() == first["orders"]["paid_amount"].tolist()


def test_damaged_facts_are_rebuilt_and_check_reports_it(tmp_path, capsys):
    data, cache = _shop(tmp_path / "d"), tmp_path / "cache"
    _, facts, day = prepare(data, Settings(), cache_dir=cache, run_date="2026-03-03")
    (folder,) = [p for p in _entry(cache).iterdir() if p.name.startswith("facts-")]
    victim = sorted(folder.glob("*.parquet"))[0]
    victim.write_bytes(b"")
    with pytest.warns(PlaybookNotice, match="damaged cache entry"):
        _, again, _ = prepare(data, Settings(), cache_dir=cache, run_date="2026-03-03")
    pd.testing.assert_frame_equal(again.daily, facts.daily)
    orders = _entry(cache) / "tables" / "orders.parquet"
    orders.write_bytes(orders.read_bytes()[:50])
    assert cli.main(["check", "--data", str(data), "--cache", str(cache)]) == 0
    err = capsys.readouterr().err
    assert "playbook: notice: damaged cache entry" in err and err.count("notice") == 1


def test_no_personal_numbers_in_the_environment_of_a_test():
    """The session key file is the test's, never the user's (tests/conftest.py)."""
    assert "playbook-test-key-" in os.environ[privacy.KEY_FILE_ENV]
