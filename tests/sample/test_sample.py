"""Tests for the sample-shop generator (helpers.sample)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from locations import SAMPLE

from helpers.contract import ORDER_STATUSES, TABLES
from helpers.sample import INDUSTRY_CVR, SHOP_NAME, generate_sample, planted_problems
from helpers.settings import load_settings

END = pd.Timestamp("2026-11-15")
DAY = pd.Timedelta(days=1)
SMALL = {"days": 120, "scale": 0.5}

COMMITTED = SAMPLE


def _read(folder: Path, name: str) -> pd.DataFrame:
    for suffix in (".csv.gz", ".csv", ".parquet"):
        path = folder / f"{name}{suffix}"
        if path.exists():
            if suffix == ".parquet":
                return pd.read_parquet(path)
            return pd.read_csv(path, dtype={"sku_id": "str", "promo_id": "str"})
    raise FileNotFoundError(name)


def _load(folder: Path) -> dict[str, pd.DataFrame]:
    t = {name: _read(folder, name) for name in TABLES}
    for name, table in TABLES.items():
        for col in table.columns:
            if col.dtype in ("datetime", "date") and col.name in t[name]:
                t[name][col.name] = pd.to_datetime(t[name][col.name])
    return t


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    out = tmp_path_factory.mktemp("sample")
    return out, generate_sample(out, **SMALL)


@pytest.fixture(scope="module")
def tables(small: tuple[Path, dict[str, int]]) -> dict[str, pd.DataFrame]:
    return _load(small[0])


def test_files_rows_and_settings(small: tuple[Path, dict[str, int]]) -> None:
    out, rows = small
    assert set(rows) == set(TABLES)
    big = ("orders", "order_items", "traffic", "inventory", "after_sales", "customers")
    for name, n in rows.items():
        suffix = ".csv.gz" if name in big else ".csv"
        assert (out / f"{name}{suffix}").exists(), name
        assert n > 0, name
    settings = load_settings(out)
    assert settings.shop_name == SHOP_NAME
    assert settings.currency == "CNY" and settings.language == "zh"
    assert settings.industry_cvr == INDUSTRY_CVR
    raw = yaml.safe_load((out / "playbook.yaml").read_text(encoding="utf-8"))
    assert raw["timezone"] == "Asia/Shanghai"


def test_deterministic_bytes(small: tuple[Path, dict[str, int]], tmp_path: Path) -> None:
    out, _ = small
    generate_sample(tmp_path, **SMALL)
    for path in sorted(out.iterdir()):
        assert (tmp_path / path.name).read_bytes() == path.read_bytes(), path.name
    other = tmp_path / "other"
    generate_sample(other, seed=8, **SMALL)
    assert (other / "orders.csv.gz").read_bytes() != (out / "orders.csv.gz").read_bytes()


def test_parquet_format(tmp_path: Path) -> None:
    rows = generate_sample(tmp_path, days=40, scale=0.2, fmt="parquet")
    for name in TABLES:
        assert (tmp_path / f"{name}.parquet").exists()
    orders = pd.read_parquet(tmp_path / "orders.parquet")
    assert len(orders) == rows["orders"]
    with pytest.raises(ValueError):
        generate_sample(tmp_path, fmt="xlsx")


def test_contract_columns(tables: dict[str, pd.DataFrame]) -> None:
    for name, df in tables.items():
        spec = TABLES[name]
        assert set(spec.required_columns) <= set(df.columns), name
        # exactly contract names, in contract order
        assert list(df.columns) == [c for c in spec.column_names if c in df.columns], name
        if spec.key:
            assert not df.duplicated(list(spec.key)).any(), name


def test_no_personal_data(tables: dict[str, pd.DataFrame]) -> None:
    cust = tables["customers"]
    assert cust["customer_id"].str.fullmatch(r"C\d{7}").all()
    assert set(tables["orders"]["customer_id"]) <= set(cust["customer_id"])
    for df in tables.values():
        assert not {"buyer_name", "phone", "address", "email"} & set(df.columns)


def test_status_and_timestamps(tables: dict[str, pd.DataFrame]) -> None:
    o = tables["orders"]
    assert set(o["status"]) <= set(ORDER_STATUSES)
    unpaid = o["status"].isin(["pending", "cancelled"])
    assert o.loc[unpaid, "paid_at"].isna().all()
    assert (o.loc[unpaid, "paid_amount"] == 0).all()
    assert o.loc[unpaid, "shipped_at"].isna().all()
    assert o.loc[~unpaid, "paid_at"].notna().all()
    assert (o["paid_at"].dropna() >= o.loc[o["paid_at"].notna(), "created_at"]).all()
    shipped = o["shipped_at"].notna()
    assert (o.loc[shipped, "shipped_at"] > o.loc[shipped, "paid_at"]).all()
    # status 'paid' means paid and not yet shipped; shipped/completed have a shipped_at
    assert o.loc[o["status"] == "paid", "shipped_at"].isna().all()
    assert o.loc[o["status"].isin(["shipped", "completed"]), "shipped_at"].notna().all()
    # about 3 % of created orders are never paid
    assert 0.01 < unpaid.mean() < 0.06


def test_paid_amount_identity(tables: dict[str, pd.DataFrame]) -> None:
    o = tables["orders"].set_index("order_id")
    items = tables["order_items"]
    goods = (items["quantity"] * items["unit_price"]).groupby(items["order_id"]).sum()
    paid = o["paid_at"].notna()
    expected = goods.reindex(o.index) - o["discount_amount"] + o["shipping_fee"]
    diff = (o.loc[paid, "paid_amount"] - expected[paid]).abs()
    assert diff.max() < 0.011
    # every order has 1-3 lines numbered 1..n
    n = items.groupby("order_id")["line_no"].agg(["size", "max", "min"])
    assert n["size"].between(1, 3).all() and (n["size"] == n["max"]).all()
    assert (n["min"] == 1).all()
    assert set(n.index) == set(o.index)
    # promo orders carry a discount
    promo = o["promo_id"].notna() & paid
    assert promo.any()
    assert (o.loc[promo & (goods.reindex(o.index) >= 200), "discount_amount"] > 0).mean() > 0.8


def test_nothing_after_end(tables: dict[str, pd.DataFrame]) -> None:
    cutoff = END + DAY
    for name, df in tables.items():
        for col in TABLES[name].columns:
            if col.dtype in ("datetime", "date") and col.name in df:
                assert (df[col.name].dropna() < cutoff).all(), (name, col.name)


def test_after_sales_consistent(tables: dict[str, pd.DataFrame]) -> None:
    a = tables["after_sales"].merge(
        tables["orders"][["order_id", "paid_at"]], on="order_id", how="left"
    )
    assert a["paid_at"].notna().all()
    assert (a["requested_at"] >= a["paid_at"] + DAY).all()
    assert (a["requested_at"] <= a["paid_at"] + 10 * DAY).all()
    lines = a.merge(tables["order_items"], on=["order_id", "sku_id"], how="left")
    assert lines["quantity_y"].notna().all()
    assert (lines["quantity_x"] <= lines["quantity_y"]).all()
    assert set(a["type"]) <= {"refund_only", "return"}
    # 服饰 are returned far more often than 食品 (per order line)
    cat = tables["products"].set_index("sku_id")["category"]
    items = tables["order_items"].assign(category=lambda d: d["sku_id"].map(cat))
    per_line = a["sku_id"].map(cat).value_counts() / items["category"].value_counts()
    assert per_line["服饰"] > 2 * per_line["食品"]


def test_traffic_and_ads_plausible(tables: dict[str, pd.DataFrame]) -> None:
    t = tables["traffic"]
    ch = t[t["sku_id"].isna()]
    assert set(ch["channel"]) == {"搜索", "推荐", "直播", "短视频", "付费推广", "私域"}
    assert (t["impressions"] >= t["visitors"]).all()
    assert (t["add_to_cart_users"] <= t["visitors"]).all()
    items = t[t["sku_id"].notna()]
    assert set(items["channel"]) == {"全部"}
    assert items["date"].min() >= END - 89 * DAY
    paid = tables["orders"].dropna(subset=["paid_at"])
    buyers = paid.groupby("channel")["customer_id"].nunique()
    cvr = buyers / ch.groupby("channel")["visitors"].sum()
    assert cvr.between(0.015, 0.08).all(), cvr
    ads = tables["ad_spend"]
    normal = ads[ads["date"] < END - 30 * DAY]
    roas = normal.groupby("channel")[["attributed_gmv", "spend"]].sum()
    assert (roas["attributed_gmv"] / roas["spend"]).between(2.5, 4.0).all()


def _paid_per_day(orders: pd.DataFrame, channel: str | None = None) -> pd.Series:
    o = orders.dropna(subset=["paid_at"])
    if channel is not None:
        o = o[o["channel"] == channel]
    return o.groupby(o["paid_at"].dt.normalize()).size()


def test_p1_live_conversion_collapse(tables: dict[str, pd.DataFrame]) -> None:
    plan = planted_problems(END)["P1"]
    live = _paid_per_day(tables["orders"], "直播")
    before = live[(live.index >= END - 15 * DAY) & (live.index <= END - 2 * DAY)].mean()
    assert live.get(END, 0) / before < 0.5
    assert live.get(END - DAY, 0) / before < 0.5
    t = tables["traffic"]
    vis = t[t["sku_id"].isna() & (t["channel"] == plan["channel"])].set_index("date")["visitors"]
    normal = vis[(vis.index >= END - 15 * DAY) & (vis.index <= END - 2 * DAY)].median()
    assert vis[END] > 0.7 * normal


def test_p2_size_returns(tables: dict[str, pd.DataFrame]) -> None:
    plan = planted_problems(END)["P2"]
    sku = plan["sku_id"]
    cat = tables["products"].set_index("sku_id")["category"]
    assert cat[sku] == "服饰"
    w0 = END - 13 * DAY
    paid = tables["orders"].dropna(subset=["paid_at"])
    lines = tables["order_items"].merge(paid[["order_id", "paid_at"]], on="order_id")
    sold = lines[(lines["paid_at"] >= w0) & (lines["sku_id"] == sku)]["quantity"].sum()
    a = tables["after_sales"]
    win = a[a["requested_at"] >= w0]
    returned = win.loc[win["sku_id"] == sku, "quantity"].sum()
    assert returned / sold > 0.15
    assert win["sku_id"].value_counts().index[0] == sku
    assert win["reason"].value_counts().index[0] == "尺码不符"
    mine = win[win["sku_id"] == sku]
    assert (mine["reason"] == "尺码不符").mean() > 0.8


def test_p3_shipping_backlog(tables: dict[str, pd.DataFrame]) -> None:
    o = tables["orders"].dropna(subset=["paid_at"])
    e1 = o[(o["paid_at"].dt.normalize() == END - DAY) & (o["paid_at"].dt.hour < 20)]
    share = e1["shipped_at"].isna().mean()
    assert 0.3 < share < 0.5
    assert (e1.loc[e1["shipped_at"].isna(), "status"] == "paid").all()
    e2 = o[o["paid_at"].dt.normalize() == END - 2 * DAY]
    late = (e2["shipped_at"] - e2["paid_at"]) > pd.Timedelta(hours=24)
    assert late.mean() > 0.6
    # a normal week earlier: nearly everything ships within 24 h
    wk = o[o["paid_at"].dt.normalize() == END - 8 * DAY]
    assert ((wk["shipped_at"] - wk["paid_at"]) <= pd.Timedelta(hours=24)).mean() > 0.9


def test_p4_ad_spend_spike(tables: dict[str, pd.DataFrame]) -> None:
    ads = tables["ad_spend"]
    paid = ads[ads["channel"] == "付费推广"].groupby("date")[["spend", "attributed_gmv"]].sum()
    prev = paid[(paid.index >= END - 14 * DAY) & (paid.index < END)]
    ratio = paid.loc[END, "spend"] / prev["spend"].median()
    assert 2.0 < ratio < 3.0
    assert paid.loc[END, "attributed_gmv"] < 1.5 * prev["attributed_gmv"].median()


def test_p5_cart_high_pay_low(tables: dict[str, pd.DataFrame]) -> None:
    sku = planted_problems(END)["P5"]["sku_id"]
    assert tables["products"].set_index("sku_id").loc[sku, "category"] == "美妆"
    w0 = END - 13 * DAY
    t = tables["traffic"]
    it = t[(t["sku_id"] == sku) & (t["date"] >= w0)]
    assert it["add_to_cart_users"].sum() / it["visitors"].sum() >= 0.15
    paid = tables["orders"].dropna(subset=["paid_at"])
    paid = paid[paid["paid_at"] >= w0]
    lines = tables["order_items"].merge(paid[["order_id", "customer_id"]], on="order_id")
    item_cvr = lines.loc[lines["sku_id"] == sku, "customer_id"].nunique() / it["visitors"].sum()
    ch = t[t["sku_id"].isna() & (t["date"] >= w0)]
    shop_cvr = (
        paid.groupby(paid["paid_at"].dt.normalize())["customer_id"].nunique().sum()
        / ch["visitors"].sum()
    )
    assert item_cvr < shop_cvr / 3


def test_planted_problems_deterministic() -> None:
    a, b = planted_problems(END), planted_problems("2026-11-15")
    assert a == b
    assert a["P1"]["dates"] == [END - DAY, END]
    assert a["P2"]["sku_id"] != a["P5"]["sku_id"]


@pytest.mark.skipif(not (COMMITTED / "orders.csv.gz").exists(), reason="no committed sample")
def test_committed_sample_sizes_and_thresholds() -> None:
    total = sum(p.stat().st_size for p in COMMITTED.iterdir())
    assert total < 6.5e6
    t = _load(COMMITTED)
    plan = planted_problems(END)
    w0 = END - 13 * DAY
    paid = t["orders"].dropna(subset=["paid_at"])
    lines = t["order_items"].merge(paid[["order_id", "paid_at"]], on="order_id")
    sold = lines[(lines["paid_at"] >= w0) & (lines["sku_id"] == plan["P2"]["sku_id"])]
    assert sold["quantity"].sum() >= 20
    tr = t["traffic"]
    p5 = tr[(tr["sku_id"] == plan["P5"]["sku_id"]) & (tr["date"] >= w0)]
    assert p5["visitors"].sum() >= 300
    live = tr[tr["sku_id"].isna() & (tr["channel"] == "直播") & (tr["date"] == END)]
    assert int(live["visitors"].iloc[0]) >= 300
    # normal days convert well above the industry benchmark threshold
    ch = tr[tr["sku_id"].isna()].groupby("date")["visitors"].sum()
    buyers = paid.groupby(paid["paid_at"].dt.normalize())["customer_id"].nunique()
    cvr = (buyers / ch).dropna()
    recent = cvr[(cvr.index >= END - 60 * DAY) & (cvr.index < END - 1 * DAY)]
    assert (recent > INDUSTRY_CVR * 0.8).all()
    assert np.isclose(t["orders"]["paid_amount"].sum(), paid["paid_amount"].sum())
