"""Monthly market (行业大盘) and competitor tables (streams 20 and 21)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.sample.draws import charm, lognormal, stream
from helpers.sample.profile import ONE_DAY


def complete_months(start: pd.Timestamp, end: pd.Timestamp) -> pd.DatetimeIndex:
    """Complete months from the month of ``start`` to the month before ``end``'s month."""
    last = end.to_period("M") - 1
    if (end + ONE_DAY).day == 1:
        last = end.to_period("M")
    return pd.period_range(start.to_period("M"), last, freq="M").to_timestamp()


def market(seed: int, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """行业大盘 by month and category; 美妆 grows, 数码 declines, 家居 is an emerging blue ocean."""
    rng = stream(seed, 20)
    months = complete_months(start, end)
    rows = []
    # search index, yearly growth, market GMV (CNY/month), competing items, cvr, margin, returns
    spec = {
        "服饰": (14000, 0.02, 2.6e9, 420000, 0.028, 0.50, 0.12),
        "美妆": (9000, 0.30, 1.8e9, 310000, 0.035, 0.62, 0.04),
        "食品": (7500, 0.03, 1.5e9, 260000, 0.045, 0.28, 0.02),
        "家居": (5600, 0.35, 0.6e9, 70000, 0.032, 0.42, 0.04),
        "数码": (8000, -0.22, 2.0e9, 150000, 0.022, 0.20, 0.05),
    }
    for cat_name, (si, g, gmv, items, cvr, margin, ret) in spec.items():
        t = (months - end).days.to_numpy() / 365.0  # years, negative
        trend = np.exp(g * t)
        season = 1 + 0.25 * np.isin(months.month, [6, 11]) + 0.1 * np.isin(months.month, [1, 12])
        noise = lognormal(rng, 0.04, len(months))
        rows.append(
            pd.DataFrame(
                {
                    "month": months,
                    "category": cat_name,
                    "search_index": np.round(si * trend * season * noise, 0),
                    "market_gmv": np.round(gmv * trend * season * noise, -4),
                    "competing_items": np.round(items * np.exp(0.6 * g * t)).astype("int64"),
                    "avg_cvr": np.round(cvr * lognormal(rng, 0.03, len(months)), 4),
                    "avg_margin": np.round(margin + rng.normal(0, 0.01, len(months)), 3),
                    "avg_return_rate": np.round(ret * lognormal(rng, 0.05, len(months)), 4),
                }
            )
        )
    out = pd.concat(rows, ignore_index=True)
    out["month"] = out["month"].astype("datetime64[ns]")
    return out.sort_values(["month", "category"]).reset_index(drop=True)


def competitors(
    seed: int, start: pd.Timestamp, end: pd.Timestamp, cat: pd.DataFrame, plan: dict
) -> pd.DataFrame:
    """Four competitor shops x three tracked items each, monthly."""
    rng = stream(seed, 21)
    months = complete_months(start, end)
    p5 = cat.loc[cat["sku_id"] == plan["P5"]["sku_id"]].iloc[0]
    p5_item = str(p5["title"]).replace("山野", "")
    shops = {
        "野径户外旗舰店": (
            ("服饰", "轻量冲锋衣", 459, "搜索"),
            ("服饰", "速干T恤", 89, "付费推广"),
            ("家居", "便携露营灯", 129, "搜索"),
        ),
        "拾光美妆专营店": (
            ("美妆", p5_item, float(p5["list_price"]) + 10, "直播"),
            ("美妆", "补水面膜10片", 69, "短视频"),
            ("美妆", "防晒喷雾", 99, "直播"),
        ),
        "森屿家居生活馆": (
            ("家居", "折叠椅", 199, "推荐"),
            ("家居", "保温杯", 89, "搜索"),
            ("食品", "每日坚果30包", 99, "推荐"),
        ),
        "轻行数码官方店": (
            ("数码", "充电宝20000mAh", 149, "搜索"),
            ("数码", "蓝牙耳机", 199, "付费推广"),
            ("数码", "户外电源", 999, "短视频"),
        ),
    }
    rows = []
    for shop, items in shops.items():
        for category, item, price, source in items:
            base_sales = rng.uniform(800, 6000)
            g = {"美妆": 0.3, "数码": -0.25, "家居": 0.2}.get(category, 0.0)
            t = (months - end).days.to_numpy() / 365.0
            season = 1 + 1.5 * (months.month == 11) + 0.8 * (months.month == 6)
            sales = base_sales * np.exp(g * t) * season * lognormal(rng, 0.15, len(months))
            rows.append(
                pd.DataFrame(
                    {
                        "month": months,
                        "competitor": shop,
                        "item": item,
                        "category": category,
                        "price": np.where(
                            months.month == 11, charm(np.array([price * 0.9]))[0], price
                        ),
                        "monthly_sales": np.round(sales).astype("int64"),
                        "rating": np.round(
                            np.clip(rng.normal(4.75, 0.06, len(months)), 4.3, 5.0), 2
                        ),
                        "main_traffic_source": source,
                    }
                )
            )
    out = pd.concat(rows, ignore_index=True)
    out["month"] = out["month"].astype("datetime64[ns]")
    return out.sort_values(["month", "competitor", "item"]).reset_index(drop=True)
