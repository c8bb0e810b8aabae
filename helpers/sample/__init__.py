"""A seeded generator of a realistic sample shop (山野生活旗舰店, an outdoor-lifestyle store).

The sample shop lets every notebook run out of the box and gives the tests a data set with
known answers. It covers about two years of a mid-sized Tmall/Taobao-style shop ending on a
Sunday just after 双11, written as contract tables (see :mod:`helpers.contract`):

* five categories (服饰, 美妆, 食品, 家居, 数码), 300 SKUs with Chinese titles, Zipf-like
  popularity, charm prices (99/199/299 ...) and category-specific margins;
* six channels (搜索, 推荐, 直播, 短视频, 付费推广, 私域) with their own shares, conversion
  rates, add-to-cart and favourite rates;
* a growth trend (about 80 paid orders a day two years ago, about 150 now, at ``scale=1``),
  a weekly rhythm, the platform festivals of :func:`helpers.festivals.platform_festivals`
  plus shop events, each with warm-up (more carts, fewer payments), burst and after-glow,
  and the Spring Festival logistics pause;
* repeat buyers from a growing customer pool (about 30 % of orders by returning customers,
  a core of loyal heavy buyers), pseudonymous ids only (``C0000123``), no personal data;
* after-sales cases, traffic, ad spend, inventory snapshots, market and competitor data.

Five problems are planted in the last days (see :func:`planted_problems` and the README of
the committed sample) so the daily review has something real to find.

Everything is vectorised with numpy (loops run over days, months or SKUs, never over
orders), so ``scale=30`` (millions of order lines) runs in reasonable time. The same seed
gives byte-identical files.
"""

from __future__ import annotations

import gzip
import io
import itertools
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from helpers.contract import TABLES
from helpers.festivals import platform_festivals, promo_days, spring_festival

SHOP_NAME = "山野生活旗舰店"
END_DATE = "2026-11-15"
DEFAULT_SEED = 7
#: Industry mean CVR written to playbook.yaml. The shop converts at about 3.6 % on normal
#: days, so the "CVR more than 20 % below the industry mean" rule (threshold 2.4 %) stays
#: quiet on normal days.
INDUSTRY_CVR = 0.03

CHANNELS = ("搜索", "推荐", "直播", "短视频", "付费推广", "私域")
#: share of paid orders, conversion rate (buyers / visitors), click-through (visitors /
#: impressions), add-to-cart rate, favourite rate, share of orders by returning customers.
_CH_SHARE = np.array([0.30, 0.18, 0.18, 0.10, 0.14, 0.10])
_CH_CVR = np.array([0.045, 0.022, 0.060, 0.025, 0.032, 0.080])
_CH_CTR = np.array([0.040, 0.020, 0.080, 0.030, 0.025, 0.250])
_CH_CART = np.array([0.10, 0.07, 0.14, 0.08, 0.09, 0.16])
_CH_FAV = np.array([0.050, 0.040, 0.060, 0.040, 0.045, 0.070])
_CH_RETURNING = np.array([0.22, 0.22, 0.33, 0.18, 0.20, 0.80])
#: Shop CVR implied by the channel mix: 1 / sum(share / cvr).
SHOP_CVR = float(1.0 / np.sum(_CH_SHARE / _CH_CVR))

CATEGORIES = ("服饰", "美妆", "食品", "家居", "数码")
_CAT_PREFIX = ("AP", "BT", "FD", "HM", "DG")
_CAT_N = (80, 60, 60, 55, 45)
_CAT_SHARE = np.array([0.30, 0.22, 0.20, 0.15, 0.13])
_CAT_MARGIN = ((0.45, 0.65), (0.55, 0.75), (0.25, 0.45), (0.35, 0.55), (0.15, 0.35))
#: after-sales probability per order line
_CAT_REFUND = np.array([0.068, 0.025, 0.015, 0.030, 0.038])
_CAT_LEAD = np.array([15.0, 10.0, 7.0, 20.0, 25.0])
_CAT_QTY = np.array([[0.82, 0.14, 0.04]] * 2 + [[0.60, 0.25, 0.15]] + [[0.82, 0.14, 0.04]] * 2)
_PRICES = (
    (59, 69, 79, 89, 99, 129, 149, 169, 199, 239, 259, 299, 399, 499, 599, 699),
    (39, 49, 59, 69, 79, 89, 99, 119, 129, 149, 169, 199, 239, 299),
    (19.9, 29.9, 39, 49, 59, 69, 79, 89, 99, 129, 169),
    (29, 39, 49, 59, 79, 99, 129, 169, 199, 299, 399, 499),
    (39, 59, 79, 99, 129, 169, 199, 299, 399, 499, 699, 999),
)
_NOUNS = (
    "速干T恤 冲锋衣 抓绒外套 徒步裤 防晒衣 羽绒服 软壳夹克 运动短裤 羊毛袜 渔夫帽 棒球帽 "
    "保暖内衣 卫衣 登山鞋 休闲衬衫 工装裤",
    "防晒霜SPF50+ 防晒喷雾 补水面膜 保湿面霜 洁面乳 润唇膏 护手霜 精华液 爽肤水 卸妆油 "
    "气垫BB霜 身体乳",
    "每日坚果 挂耳咖啡 高山乌龙茶 牛肉干 能量棒 冻干水果 黑巧克力 燕麦片 土蜂蜜 红枣 "
    "自热米饭 速溶咖啡",
    "露营灯 保温杯 折叠椅 帐篷 睡袋 野餐垫 收纳箱 香薰蜡烛 床品四件套 午睡毯 户外水壶 便携炉具",
    "充电宝 蓝牙耳机 运动手环 头戴耳机 数据线 快充头 户外电源 手机支架 运动相机 蓝牙音箱 "
    "无线充电器",
)
_MODIFIERS = (
    "男款 女款 情侣款 轻量 加厚 透气 防泼水 冰丝",
    "清爽型 温和型 旅行装 大瓶装 敏感肌 男士",
    "礼盒装 家庭装 30包 500g 低糖 原味 混合口味",
    "加大 便携 轻量 北欧风 双人 多功能",
    "快充版 降噪版 标准版 Pro版 迷你款 户外版",
)

_PROVINCES = [
    "广东",
    "浙江",
    "江苏",
    "上海",
    "北京",
    "山东",
    "四川",
    "福建",
    "河南",
    "湖北",
    "湖南",
    "安徽",
    "河北",
    "陕西",
    "重庆",
    "辽宁",
    "天津",
    "江西",
    "广西",
    "云南",
    "山西",
    "黑龙江",
    "吉林",
    "贵州",
    "内蒙古",
    "新疆",
    "甘肃",
    "海南",
    "宁夏",
    "青海",
    "西藏",
]
_PROV_W = np.array(
    [13, 10, 9, 6, 6, 6, 5, 5, 5, 4, 4, 3, 3, 2.5, 2.5, 2, 1.5, 1.5, 1.5, 1.5, 1, 1, 0.8, 1]
    + [0.7, 0.6, 0.6, 0.6, 0.3, 0.2, 0.1]
)
_REMOTE = {"新疆", "西藏", "青海", "宁夏", "内蒙古", "甘肃"}
_AGE = ("18-24", "25-29", "30-34", "35-39", "40-49", "50+")
_AGE_W = np.array([0.18, 0.26, 0.24, 0.15, 0.12, 0.05])
_GENDER = ("女", "男", "未知")
_GENDER_W = np.array([0.58, 0.38, 0.04])
_TIERS = ("普通会员", "银卡会员", "金卡会员", "钻石会员")

REASONS = ("尺码不符", "质量问题", "不喜欢/不想要", "发错货", "物流太慢", "与描述不符")
_REASON_W = np.array(
    [
        [0.50, 0.10, 0.20, 0.04, 0.05, 0.11],  # 服饰
        [0.00, 0.20, 0.35, 0.08, 0.17, 0.20],  # 美妆
        [0.00, 0.35, 0.15, 0.10, 0.30, 0.10],  # 食品
        [0.00, 0.30, 0.25, 0.10, 0.10, 0.25],  # 家居
        [0.00, 0.45, 0.20, 0.08, 0.07, 0.20],  # 数码
    ]
)

#: orders multiplier on burst days (the visitors multiplier is this / CVR lift)
_BURST = {"双11": 5.0, "618": 3.5, "双12": 2.0, "38节": 1.8, "99划算节": 1.6, "年货节": 1.5}
_BURST_SHOP = 2.2
_HOURS = np.array(
    [3, 1.5, 0.8, 0.5, 0.4, 0.5, 1, 2, 3, 4.5, 5.5, 5.5, 5, 5, 5.5, 5.5, 5, 4.5, 4.5, 5.5]
    + [7, 8, 7.5, 5],
    dtype=float,
)
_WEEKDAY = np.array([0.95, 0.97, 1.0, 0.98, 0.95, 1.05, 1.10])  # Monday .. Sunday

_ONE_DAY = pd.Timedelta(days=1)
_DTYPES = {c.name: c.dtype for t in TABLES.values() for c in t.columns}
_BIG_TABLES = ("orders", "order_items", "traffic", "inventory", "after_sales", "customers")


# --------------------------------------------------------------------------------------
# catalogue and planted problems (independent of scale and days)
# --------------------------------------------------------------------------------------
def _rng(seed: int, stream: int) -> np.random.Generator:
    return np.random.default_rng([seed, stream])


def _charm(x: np.ndarray) -> np.ndarray:
    """Round prices to the nearest ``...9`` yuan (charm pricing), at least 9."""
    return np.maximum(np.round((x + 1) / 10) * 10 - 1, 9.0)


def _catalog(seed: int, end: pd.Timestamp) -> pd.DataFrame:
    """The SKU master with private columns ``cat`` (category index), ``base_w``
    (popularity within the shop), ``fade`` (yearly decline) and ``margin``."""
    rng = _rng(seed, 1)
    parts = []
    for ci, (cat, prefix, n) in enumerate(zip(CATEGORIES, _CAT_PREFIX, _CAT_N, strict=True)):
        combos = list(itertools.product(_MODIFIERS[ci].split(), _NOUNS[ci].split()))
        pick = rng.permutation(len(combos))[:n]
        titles = [f"山野{combos[i][0]}{combos[i][1]}" for i in pick]
        rank = np.arange(1, n + 1)
        w = 1.0 / rank**0.95
        w = _CAT_SHARE[ci] * w / w.sum()
        prices = np.array(_PRICES[ci], dtype=float)
        # lower price points are more common; the top sellers are traffic drivers (引流款)
        pw = np.linspace(1.6, 0.4, len(prices))
        price = rng.choice(prices, size=n, p=pw / pw.sum())
        lo, hi = _CAT_MARGIN[ci]
        margin = rng.uniform(lo, hi, size=n)
        margin[:3] -= 0.12
        age = rng.integers(760, 1500, size=n)  # days before the end date
        new = rng.random(n) < 0.2
        new[:5] = False
        age[new] = rng.integers(30, 700, size=int(new.sum()))
        fade = np.where(rng.random(n) < 0.12, rng.uniform(0.3, 0.8, size=n), 0.0)
        fade[:5] = 0.0
        parts.append(
            pd.DataFrame(
                {
                    "sku_id": [f"{prefix}{i:04d}" for i in rank],
                    "title": titles,
                    "category": cat,
                    "list_price": price,
                    "unit_cost": np.round(price * (1 - margin), 2),
                    "launch_date": end - pd.to_timedelta(age, unit="D"),
                    "cat": ci,
                    "base_w": w,
                    "fade": fade,
                    "margin": margin,
                }
            )
        )
    cat = pd.concat(parts, ignore_index=True)
    cat["launch_date"] = cat["launch_date"].astype("datetime64[ns]")
    return cat


def _sku_weights(cat: pd.DataFrame, when: pd.Timestamp, end: pd.Timestamp) -> np.ndarray:
    """Relative popularity of every SKU at ``when`` (category trends, launches, fading)."""
    years = (end - when).days / 365.0  # years before the end date
    ci = cat["cat"].to_numpy()
    # 美妆 grows, 数码 declines, 家居 grows a little, 服饰 follows the season
    trend = np.array([0.0, 0.30, 0.0, 0.10, -0.25])[ci]
    season = np.where(ci == 0, 1 + 0.15 * np.cos(2 * np.pi * (when.month - 12) / 12), 1.0)
    w = cat["base_w"].to_numpy() * np.exp(-trend * years) * season
    age = (when - cat["launch_date"]).dt.days.to_numpy()
    w = w * np.clip(age / 120.0, 0.0, 1.0) ** 0.7  # new items ramp up over four months
    fade = cat["fade"].to_numpy()
    w = w * np.exp(fade * (years - 2.0))  # fading items lose popularity over time
    return np.where(age >= 0, w, 0.0)


def planted_problems(end_date: Any = END_DATE, *, seed: int = DEFAULT_SEED) -> dict[str, dict]:
    """The five problems planted in the last days of the sample shop.

    Parameters
    ----------
    end_date : last day of the sample (the run date on which the review should find them).
    seed : generator seed (the SKUs are picked from the seeded catalogue).

    Returns
    -------
    dict keyed ``P1`` .. ``P5``; each value holds ``what`` plus the channel, SKU ids, dates
    (``pd.Timestamp`` at midnight) and factors the generator uses:

    * P1 直播 conversion collapse: on ``dates`` (E-1, E) the channel's orders are
      ``factor`` (0.25) x normal, visitors unchanged.
    * P2 one top 服饰 SKU: order lines paid from ``start`` (E-12) are returned with
      probability ``return_prob`` (0.50; about 40 % of the window's units once
      the requests not yet made by E are left out), reason ``reason`` (尺码不符) 95 % of the time, requested
      1-4 days after payment (buyers notice the size as soon as the parcel arrives).
    * P3 shipping backlog: ``unshipped_share`` (0.40) of orders paid on E-1 before 20:00
      are not shipped by the end of E; ``late_share`` (0.80) of orders paid on E-2 ship
      26-40 h after payment.
    * P4 付费推广 spend on ``date`` (E) is ``factor`` (2.5) x normal, attributed GMV flat.
    * P5 one 美妆 SKU from ``start`` (E-13): price raised by ``price_up`` (+20 %), orders
      down to ``keep`` (15 %) of normal, add-to-cart rate ``cart_rate`` (18 %) of visitors.
    """
    end = pd.Timestamp(end_date).normalize()
    cat = _catalog(seed, end)
    w = _sku_weights(cat, end, end)
    order = np.argsort(-w, kind="stable")
    ranked = cat.iloc[order]
    apparel = ranked[ranked["category"] == "服饰"]
    beauty = ranked[ranked["category"] == "美妆"]
    used = set()
    p2 = str(apparel["sku_id"].iloc[0])
    p5 = str(beauty["sku_id"].iloc[4])
    used.update({p2, p5})
    stockouts = []
    for c, (a, b) in zip(("家居", "数码", "食品"), ((60, 54), (45, 41), (33, 30)), strict=True):
        sku = next(s for s in ranked.loc[ranked["category"] == c, "sku_id"] if s not in used)
        stockouts.append(
            {"sku_id": str(sku), "start": end - a * _ONE_DAY, "end": end - b * _ONE_DAY}
        )
    return {
        "P1": {
            "what": "直播 CVR collapse (live-room coupon link broken)",
            "channel": "直播",
            "dates": [end - _ONE_DAY, end],
            "factor": 0.25,
        },
        "P2": {
            "what": "size-chart error: returns jump, reason 尺码不符",
            "sku_id": p2,
            "start": end - 12 * _ONE_DAY,
            "return_prob": 0.50,
            "reason": "尺码不符",
        },
        "P3": {
            "what": "shipping backlog (warehouse lost a picker)",
            "unshipped_paid_on": end - _ONE_DAY,
            "unshipped_before_hour": 20,
            "unshipped_share": 0.40,
            "late_paid_on": end - 2 * _ONE_DAY,
            "late_share": 0.80,
        },
        "P4": {
            "what": "付费推广 spend spike, attributed GMV flat (ROAS collapse)",
            "channel": "付费推广",
            "date": end,
            "factor": 2.5,
        },
        "P5": {
            "what": "加购高、支付低 after a price rise above a competitor",
            "sku_id": p5,
            "start": end - 13 * _ONE_DAY,
            "price_up": 0.20,
            "keep": 0.15,
            "cart_rate": 0.18,
        },
        "stockouts": {"what": "past stock-outs of top sellers", "items": stockouts},
    }


# --------------------------------------------------------------------------------------
# calendar
# --------------------------------------------------------------------------------------
def _promotions(start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """Platform festivals touching the range plus the shop's own events (none after end)."""
    plat = platform_festivals(start, end)
    rows = []
    for year in range(start.year, end.year + 1):
        for pid, name, mech, rate, day, warm in (
            (f"shop-anniv-{year}", "店庆", "满减", 0.12, pd.Timestamp(year, 8, 18), 5),
            (f"shop-member-{year}", "会员日", "会员专享", 0.10, pd.Timestamp(year, 4, 25), 3),
        ):
            rows.append(
                {
                    "promo_id": pid,
                    "name": name,
                    "kind": "shop",
                    "warmup_start": day - warm * _ONE_DAY,
                    "start_date": day,
                    "end_date": day,
                    "afterglow_end": day + _ONE_DAY,
                    "mechanic": mech,
                    "discount_rate": rate,
                }
            )
    shop = pd.DataFrame(rows, columns=plat.columns)
    promos = pd.concat([plat, shop], ignore_index=True)
    promos = promos[(promos["warmup_start"] >= start) & (promos["afterglow_end"] <= end)]
    for col in ("warmup_start", "start_date", "end_date", "afterglow_end"):
        promos[col] = pd.to_datetime(promos[col]).astype("datetime64[ns]")
    return promos.sort_values(["start_date", "promo_id"]).reset_index(drop=True)


def _day_frame(dates: pd.DatetimeIndex, end: pd.Timestamp, promos: pd.DataFrame) -> pd.DataFrame:
    """Per-day drivers: order level, promo multipliers, CVR lift, cart lift, logistics."""
    n = len(dates)
    age = (end - dates).days.to_numpy()
    level = 150.0 * (80.0 / 150.0) ** (age / 729.0)
    pdays = promo_days(promos).set_index("date")
    info = promos.set_index("promo_id")
    phase = pdays["phase"].reindex(dates).to_numpy(dtype=object)
    pid = pdays["promo_id"].reindex(dates).to_numpy(dtype=object)
    order_mult = np.ones(n)
    cvr_mult = np.ones(n)
    cart_mult = np.ones(n)
    spend_mult = np.ones(n)
    promo_id = np.full(n, None, dtype=object)
    mechanic = np.full(n, None, dtype=object)
    disc = np.zeros(n)
    nianhuo = np.zeros(n, dtype=bool)
    for i in range(n):
        if phase[i] is None or (isinstance(phase[i], float) and np.isnan(phase[i])):
            continue
        name = info.loc[pid[i], "name"]
        if name == "年货节":
            nianhuo[i] = True
        if phase[i] == "burst":
            m = _BURST.get(name, _BURST_SHOP)
            order_mult[i] = m
            cvr_mult[i] = 2.0 if m >= 4 else 1.6
            cart_mult[i] = 1.2
            spend_mult[i] = 1.8 if m >= 3 else 1.4
            promo_id[i] = pid[i]
            mechanic[i] = info.loc[pid[i], "mechanic"]
            disc[i] = info.loc[pid[i], "discount_rate"]
        elif phase[i] == "warmup":
            order_mult[i] = 1.0 if name == "年货节" else 0.9
            cvr_mult[i] = 0.85
            cart_mult[i] = 1.8
            spend_mult[i] = 1.25
        else:  # afterglow
            order_mult[i] = 1.3
            cart_mult[i] = 1.1
            spend_mult[i] = 1.1
    # Spring Festival: demand dips, the warehouse pauses (shipping slows)
    sf_close = np.zeros(n, dtype=bool)
    sf_reopen = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
    for year in sorted({d.year for d in dates}):
        sf = pd.Timestamp(spring_festival(year))
        rel = (dates - sf).days.to_numpy()
        dip = (rel >= -8) & (rel <= 7)
        order_mult[dip] *= 0.55 + 0.45 * (np.abs(rel[dip]) / 8.0) ** 2
        cvr_mult[dip] *= 0.9
        close = (rel >= -4) & (rel <= 5)
        sf_close |= close
        sf_reopen[close] = np.datetime64(sf + 6 * _ONE_DAY, "ns")
    return pd.DataFrame(
        {
            "date": dates,
            "level": level,
            "weekday": _WEEKDAY[dates.day_of_week],
            "phase": phase,
            "promo_id": promo_id,
            "mechanic": mechanic,
            "discount_rate": disc,
            "order_mult": order_mult,
            "cvr_mult": cvr_mult,
            "cart_mult": cart_mult,
            "spend_mult": spend_mult,
            "nianhuo": nianhuo,
            "sf_close": sf_close,
            "sf_reopen": sf_reopen,
        }
    )


# --------------------------------------------------------------------------------------
# the generator
# --------------------------------------------------------------------------------------
def _sample_idx(rng: np.random.Generator, weights: np.ndarray, size: int) -> np.ndarray:
    cdf = np.cumsum(weights)
    return np.minimum(np.searchsorted(cdf, rng.random(size) * cdf[-1], side="right"), len(cdf) - 1)


def _sample_rows(rng: np.random.Generator, probs: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Draw one category per element; ``probs[rows[i]]`` is the distribution of element i."""
    cdf = np.cumsum(probs, axis=1)
    cdf = cdf / cdf[:, -1:]
    u = rng.random(len(rows))
    return np.minimum((u[:, None] > cdf[rows]).sum(axis=1), probs.shape[1] - 1)


def _lognormal(rng: np.random.Generator, sigma: float, size: Any) -> np.ndarray:
    return np.exp(rng.normal(-0.5 * sigma**2, sigma, size=size))


def _build(seed: int, end: pd.Timestamp, days: int, scale: float) -> dict[str, pd.DataFrame]:
    if days < 30:
        raise ValueError("days must be at least 30")
    if scale <= 0:
        raise ValueError("scale must be positive")
    plan = planted_problems(end, seed=seed)
    e_end = end + _ONE_DAY  # cutoff: nothing happens at or after it
    dates = pd.date_range(end - (days - 1) * _ONE_DAY, end, freq="D")
    nd = len(dates)
    cat = _catalog(seed, end)
    nsku = len(cat)
    promos = _promotions(dates[0], end)
    dayf = _day_frame(dates, end, promos)
    d_e = nd - 1
    live = CHANNELS.index("直播")
    paid_ch = CHANNELS.index("付费推广")

    # ---- expected and realised orders per day and channel ----------------------------
    rng = _rng(seed, 2)
    day_noise = _lognormal(rng, 0.05, nd)
    ch_noise = _lognormal(rng, 0.06, (nd, len(CHANNELS)))
    # the last three weeks are kept quiet so that the planted problems stand out
    quiet = np.arange(nd) >= nd - 21
    day_noise[quiet] = day_noise[quiet] ** 0.6
    ch_noise[quiet] = ch_noise[quiet] ** 0.6
    base = (dayf["level"] * dayf["weekday"] * dayf["order_mult"]).to_numpy() * day_noise * scale
    lam0 = base[:, None] * _CH_SHARE[None, :] * ch_noise
    burst = (dayf["phase"] == "burst").to_numpy()
    lam0[burst, live] *= 1.3  # live streams carry the festivals
    n_paid = rng.poisson(lam0)
    n_paid[quiet] = np.round(lam0[quiet])
    n_unpaid = rng.poisson(lam0 * 0.031)
    for d in plan["P1"]["dates"]:  # P1: the live room converts a quarter of its normal orders
        i = (d - dates[0]).days
        if 0 <= i < nd:
            n_paid[i, live] = round(n_paid[i, live] * plan["P1"]["factor"])
    counts = (n_paid + n_unpaid).ravel()
    n_orders = int(counts.sum())
    cell = np.repeat(np.arange(counts.size), counts)
    o_day = cell // len(CHANNELS)
    o_ch = cell % len(CHANNELS)
    # inside each (day, channel) cell the first n_paid orders are paid
    start = np.cumsum(counts) - counts
    pos = np.arange(n_orders) - start[cell]
    o_paid = pos < n_paid.ravel()[cell]

    # ---- timestamps -------------------------------------------------------------------
    rng = _rng(seed, 3)
    hours_live = _HOURS.copy()
    hours_live[19:] *= 2.5
    hours_burst = _HOURS.copy()
    hours_burst[0] *= 6
    hours_burst[20:] *= 1.5
    o_burst = burst[o_day]
    hour = np.empty(n_orders, dtype=np.int64)
    for is_b, is_l, hw in (
        (False, False, _HOURS),
        (False, True, hours_live),
        (True, False, hours_burst),
        (True, True, hours_burst * np.where(np.arange(24) >= 19, 2.0, 1.0)),
    ):
        m = (o_burst == is_b) & ((o_ch == live) == is_l)
        hour[m] = _sample_idx(rng, hw, int(m.sum()))
    day_ns = dates.to_numpy().astype("datetime64[ns]").astype(np.int64)
    sec = np.int64(1_000_000_000)
    created = day_ns[o_day] + (hour * 3600 + rng.integers(0, 3600, n_orders)) * sec
    pay_delay = np.clip(rng.lognormal(np.log(90), 1.0, n_orders), 5, 3000).astype(np.int64)
    paid = created + pay_delay * sec
    cutoff_ns = np.datetime64(e_end, "ns").astype(np.int64)
    o_paid &= paid < cutoff_ns
    # order ids follow creation time
    order = np.argsort(created, kind="stable")
    o_day, o_ch, o_paid, created, paid, o_burst = (
        a[order] for a in (o_day, o_ch, o_paid, created, paid, o_burst)
    )
    order_id = np.char.add("O", np.char.zfill(np.arange(1, n_orders + 1).astype(str), 8))

    # ---- customers: new ones join, returning ones come back (tickets model) -----------
    rng = _rng(seed, 4)
    ramp = np.clip((o_day + 60) / 240.0, 0.0, 1.0)
    p_ret = _CH_RETURNING[o_ch] * (0.35 + 0.65 * ramp)
    ret = rng.random(n_orders) < p_ret
    ret[: min(n_orders, 50)] = False
    new = ~ret
    n_cust = int(new.sum())
    cust_w = rng.choice(np.array([1, 3, 12]), size=n_cust, p=[0.70, 0.22, 0.08])
    cust_of = np.empty(n_orders, dtype=np.int64)
    cust_of[new] = np.arange(n_cust)
    tickets_cum = np.cumsum(cust_w)  # tickets held by customers 0..k
    new_before = np.cumsum(new) - new  # customers created before order i
    ret_idx = np.flatnonzero(ret)
    avail = tickets_cum[new_before[ret_idx] - 1]
    pick = np.floor(avail * rng.random(ret_idx.size) ** 0.45).astype(np.int64)
    cust_of[ret_idx] = np.searchsorted(tickets_cum, pick, side="right")
    prov_c = _sample_idx(rng, _PROV_W, n_cust)
    o_prov = prov_c[cust_of]

    # ---- order lines --------------------------------------------------------------------
    rng = _rng(seed, 5)
    k_norm = _sample_idx(rng, np.array([0.64, 0.26, 0.10]), n_orders) + 1
    k_burst = _sample_idx(rng, np.array([0.50, 0.30, 0.20]), n_orders) + 1
    n_lines = np.where(o_burst, k_burst, k_norm)
    n_l = int(n_lines.sum())
    l_ord = np.repeat(np.arange(n_orders), n_lines)
    l_start = np.cumsum(n_lines) - n_lines
    line_no = np.arange(n_l) - l_start[l_ord] + 1
    l_day = o_day[l_ord]
    l_ch = o_ch[l_ord]
    # SKU choice: weights per month, boosted 食品 around 年货节, 美妆/服饰 on live streams
    month_key = (dates.year * 12 + dates.month).to_numpy()
    months = np.unique(month_key)
    l_month = np.searchsorted(months, month_key[l_day])
    l_nh = dayf["nianhuo"].to_numpy()[l_day]
    l_live = l_ch == live
    key = l_month * 4 + l_nh * 2 + l_live
    sku = np.empty(n_l, dtype=np.int64)
    ci = cat["cat"].to_numpy()
    w_month = {}
    for km in np.unique(key):
        mi, rest = divmod(int(km), 4)
        nh, lv = divmod(rest, 2)
        if mi not in w_month:
            v = int(months[mi]) - 1
            mid = pd.Timestamp(v // 12, v % 12 + 1, 15)
            w_month[mi] = _sku_weights(cat, min(mid, end), end)
        w = w_month[mi].copy()
        if nh:
            w[ci == 2] *= 3.0
        if lv:
            w[(ci == 0) | (ci == 1)] *= 1.6
        m = key == km
        sku[m] = _sample_idx(rng, w, int(m.sum()))
    # no sales before launch: fall back to the category's best seller
    launch_day = ((cat["launch_date"].to_numpy() - dates[0].to_datetime64()) // _ONE_DAY).astype(
        np.int64
    )
    first_of_cat = np.array([np.flatnonzero(ci == c)[0] for c in range(len(CATEGORIES))])
    early = l_day < launch_day[sku]
    sku[early] = first_of_cat[ci[sku[early]]]
    sku_index = {s: i for i, s in enumerate(cat["sku_id"])}
    day0 = dates[0]

    def _day_of(ts: pd.Timestamp) -> int:
        return int((ts - day0).days)

    # past stock-outs: nothing sells, buyers take the next item of the category
    for so in plan["stockouts"]["items"]:
        s = sku_index[so["sku_id"]]
        m = (sku == s) & (l_day >= _day_of(so["start"])) & (l_day <= _day_of(so["end"]))
        sku[m] = s + 1
    # P5: after the price rise most buyers go elsewhere
    p5 = sku_index[plan["P5"]["sku_id"]]
    p5_start = _day_of(plan["P5"]["start"])
    m = (sku == p5) & (l_day >= p5_start)
    away = m & (rng.random(n_l) > plan["P5"]["keep"])
    sku[away] = np.where(p5 + 1 < nsku, p5 + 1, p5 - 1)
    # one line per SKU within an order: move repeats to the next available item
    blocked = np.zeros(n_l, dtype=bool)
    for _ in range(20):
        dup = np.zeros(n_l, dtype=bool)
        for back in (1, 2):
            same = np.zeros(n_l, dtype=bool)
            same[back:] = (sku[back:] == sku[:-back]) & (line_no[back:] > back)
            dup |= same
        dup |= blocked
        if not dup.any():
            break
        sku[dup] = (sku[dup] + 1) % nsku
        blocked = (l_day < launch_day[sku]) | ((sku == p5) & (l_day >= p5_start))
        for so in plan["stockouts"]["items"]:
            s = sku_index[so["sku_id"]]
            blocked |= (sku == s) & (l_day >= _day_of(so["start"])) & (l_day <= _day_of(so["end"]))
        blocked &= dup
    l_cat = ci[sku]
    qty = _sample_rows(rng, _CAT_QTY, l_cat) + 1
    price = cat["list_price"].to_numpy()[sku]
    mech = dayf["mechanic"].to_numpy(dtype=object)
    flash = np.array([x == "限时折扣" for x in mech])[l_day]
    rate_d = dayf["discount_rate"].to_numpy()
    price = np.where(flash, np.round(price * (1 - rate_d[l_day]), 2), price)
    p5_raised = _charm(np.array([cat["list_price"].iloc[p5] * (1 + plan["P5"]["price_up"])]))[0]
    price = np.where((sku == p5) & (l_day >= p5_start), p5_raised, price)
    line_val = qty * price

    # ---- order money --------------------------------------------------------------------
    rng = _rng(seed, 6)
    goods = np.round(np.bincount(l_ord, weights=line_val, minlength=n_orders), 2)
    o_mech = mech[o_day]
    o_rate = rate_d[o_day]
    is_mj = np.array([x == "满减" for x in o_mech])
    is_member = np.array([x == "会员专享" for x in o_mech])
    disc = np.where(is_mj, np.floor(goods / 200.0) * 200.0 * o_rate, 0.0)
    disc = np.where(is_member, np.round(goods * o_rate, 2), disc)
    coupon = (~is_mj) & (~is_member) & (rng.random(n_orders) < 0.15)
    disc = np.where(coupon & (goods >= 199), 20.0, np.where(coupon & (goods >= 99), 10.0, disc))
    disc = np.round(disc, 2)
    remote = np.isin(np.array(_PROVINCES)[o_prov], list(_REMOTE))
    net = goods - disc
    fee = np.where(net >= 49, 0.0, 6.0)
    fee = np.where(remote & (net < 99), 12.0, fee)
    paid_amount = np.where(o_paid, np.round(net + fee, 2), 0.0)
    promo_col = dayf["promo_id"].to_numpy(dtype=object)[o_day]
    promo_col = np.where(is_mj | is_member, promo_col, None)
    promo_col = np.where(flash[l_start], dayf["promo_id"].to_numpy(dtype=object)[o_day], promo_col)

    # ---- shipping -----------------------------------------------------------------------
    rng = _rng(seed, 7)
    hours = np.clip(rng.lognormal(np.log(8.0), 0.5, n_orders), 2.0, 20.0)
    late = (rng.random(n_orders) < 0.005) & ~quiet[o_day]
    hours = np.where(late, rng.uniform(24, 40, n_orders), hours)
    busy = o_burst | np.roll(burst, 1)[o_day]
    hours = np.where(busy, np.clip(rng.lognormal(np.log(18), 0.5, n_orders), 3, 60), hours)
    shipped = paid + (hours * 3600 * 1e9).astype(np.int64)
    # Spring Festival: the warehouse reopens on SF+6
    close = dayf["sf_close"].to_numpy()[o_day]
    reopen = dayf["sf_reopen"].to_numpy().astype(np.int64)[o_day]
    shipped = np.where(
        close, reopen + (rng.uniform(8, 56, n_orders) * 3600 * 1e9).astype(np.int64), shipped
    )
    # P3: the backlog
    p3 = plan["P3"]
    d1 = _day_of(p3["unshipped_paid_on"])
    d2 = _day_of(p3["late_paid_on"])
    paid_day = (paid - day_ns[0]) // (86400 * sec)
    paid_hour = (paid - day_ns[0]) % (86400 * sec) / (3600 * sec)
    cand = np.flatnonzero(o_paid & (paid_day == d1) & (paid_hour < p3["unshipped_before_hour"]))
    stuck = np.zeros(n_orders, dtype=bool)
    stuck[rng.permutation(cand)[: round(cand.size * p3["unshipped_share"])]] = True
    slow = o_paid & (paid_day == d2) & (rng.random(n_orders) < p3["late_share"])
    shipped = np.where(slow, paid + (rng.uniform(26, 40, n_orders) * 3600 * sec), shipped)
    nat = np.iinfo(np.int64).min
    shipped = np.where(stuck | ~o_paid | (shipped >= cutoff_ns), nat, shipped)
    is_shipped = shipped != nat
    confirm = shipped + (rng.uniform(4, 12, n_orders) * 86400 * sec).astype(np.int64)
    status = np.where(is_shipped, np.where(confirm < cutoff_ns, "completed", "shipped"), "paid")
    status = np.where(
        o_paid, status, np.where(created >= cutoff_ns - 86400 * sec, "pending", "cancelled")
    )
    status = status.astype(object)

    # ---- after-sales ---------------------------------------------------------------------
    rng = _rng(seed, 8)
    sku_mult = _rng(seed, 9).uniform(0.8, 1.2, nsku)
    l_paid = o_paid[l_ord]
    l_pday = paid_day[l_ord]
    p_ref = _CAT_REFUND[l_cat] * sku_mult[sku] * np.where(o_burst[l_ord], 1.2, 1.0)
    p2 = sku_index[plan["P2"]["sku_id"]]
    p2_on = (sku == p2) & (l_pday >= _day_of(plan["P2"]["start"]))
    p_ref = np.where(p2_on, plan["P2"]["return_prob"], p_ref)
    # systematic sampling per SKU (lines in time order): each item gets its expected share
    # of cases, so normal items do not cross the return-rate alert by chance
    p_ref = np.where(l_paid, p_ref, 0.0)
    by_sku = np.argsort(sku, kind="stable")
    cum = np.cumsum(p_ref[by_sku])
    first = np.searchsorted(sku[by_sku], np.arange(nsku))
    grp = sku[by_sku]
    cum_in = cum - np.where(first[grp] > 0, cum[first[grp] - 1], 0.0)
    k = np.floor(cum_in + rng.random(nsku)[grp])
    k_prev = np.concatenate([[0.0], k[:-1]])
    k_prev[first[first < n_l]] = 0.0
    has = np.zeros(n_l, dtype=bool)
    has[by_sku] = k > k_prev
    a_line = np.flatnonzero(has)
    a_ord = l_ord[a_line]
    delay = np.clip(1.0 + rng.gamma(1.5, 1.6, a_line.size), 1.0, 10.0)
    delay = np.where(p2_on[a_line], rng.uniform(1.0, 4.0, a_line.size), delay)
    req = paid[a_ord] + (delay * 86400 * sec).astype(np.int64)
    reason = _sample_rows(rng, _REASON_W, l_cat[a_line])
    size_err = p2_on[a_line] & (rng.random(a_line.size) < 0.95)
    reason = np.where(size_err, REASONS.index("尺码不符"), reason)
    s_at = shipped[a_ord]
    not_yet = (s_at == nat) | (s_at > req)
    reason = np.where(
        not_yet,
        np.where(
            rng.random(a_line.size) < 0.5, REASONS.index("物流太慢"), REASONS.index("不喜欢/不想要")
        ),
        reason,
    )
    refund_only = (
        not_yet
        | (reason == REASONS.index("物流太慢"))
        | ((l_cat[a_line] == 2) & (reason == REASONS.index("质量问题")))
    )
    a_qty = np.where((qty[a_line] > 1) & (rng.random(a_line.size) < 0.5), 1, qty[a_line])
    share = np.where(goods[a_ord] > 0, (goods[a_ord] - disc[a_ord]) / goods[a_ord], 1.0)
    a_amt = np.round(a_qty * price[a_line] * share, 2)
    keep = req < cutoff_ns
    done = req + 3 * 86400 * sec < cutoff_ns
    a_status = np.where(
        done, np.where(rng.random(a_line.size) < 0.07, "rejected", "completed"), "processing"
    )
    sel = np.flatnonzero(keep)
    sel = sel[np.argsort(req[sel], kind="stable")]
    after_sales = pd.DataFrame(
        {
            "case_id": np.char.add("R", np.char.zfill(np.arange(1, sel.size + 1).astype(str), 7)),
            "order_id": order_id[a_ord[sel]],
            "sku_id": cat["sku_id"].to_numpy()[sku[a_line[sel]]],
            "requested_at": pd.to_datetime(req[sel]).floor("s"),
            "refund_amount": a_amt[sel],
            "quantity": a_qty[sel].astype("int64"),
            "reason": np.array(REASONS, dtype=object)[reason[sel]],
            "type": np.where(refund_only[sel], "refund_only", "return"),
            "status": a_status[sel],
        }
    )
    # an order whose every line was fully refunded is closed as 'refunded'
    full = (a_status[sel] == "completed") & (a_qty[sel] == qty[a_line[sel]])
    full_lines = np.bincount(a_ord[sel][full], minlength=n_orders)
    status = np.where(o_paid & (full_lines >= n_lines), "refunded", status).astype(object)

    # ---- tables -------------------------------------------------------------------------
    def _ts(x: np.ndarray) -> pd.Series:
        return pd.Series(pd.to_datetime(x)).dt.floor("s").astype("datetime64[ns]")

    paid_ts = np.where(o_paid, paid, nat)
    orders = pd.DataFrame(
        {
            "order_id": order_id,
            "customer_id": np.char.add("C", np.char.zfill((cust_of + 1).astype(str), 7)),
            "created_at": _ts(created),
            "paid_at": _ts(paid_ts),
            "status": status,
            "paid_amount": paid_amount,
            "channel": np.array(CHANNELS, dtype=object)[o_ch],
            "shipped_at": _ts(shipped),
            "discount_amount": disc,
            "shipping_fee": fee,
            "province": np.array(_PROVINCES, dtype=object)[o_prov],
            "promo_id": promo_col,
        }
    )
    order_items = pd.DataFrame(
        {
            "order_id": order_id[l_ord],
            "line_no": line_no.astype("int64"),
            "sku_id": cat["sku_id"].to_numpy()[sku],
            "quantity": qty.astype("int64"),
            "unit_price": price,
            "title": cat["title"].to_numpy()[sku],
        }
    )

    # ---- customers -----------------------------------------------------------------------
    rng = _rng(seed, 10)
    first_day = o_day[new]
    first_seen = dates[0] + pd.to_timedelta(
        np.maximum(first_day - rng.geometric(0.35, n_cust) + 1, first_day - 30), unit="D"
    )
    spend = np.bincount(cust_of, weights=paid_amount, minlength=n_cust)
    tier = np.searchsorted(np.array([500.0, 1500.0, 4000.0]), spend, side="right")
    customers = pd.DataFrame(
        {
            "customer_id": np.char.add("C", np.char.zfill(np.arange(1, n_cust + 1).astype(str), 7)),
            "first_seen": pd.Series(first_seen).astype("datetime64[ns]"),
            "member_tier": np.array(_TIERS, dtype=object)[tier],
            "region": np.array(_PROVINCES, dtype=object)[prov_c],
            "age_band": np.array(_AGE, dtype=object)[_sample_idx(rng, _AGE_W, n_cust)],
            "gender": np.array(_GENDER, dtype=object)[_sample_idx(rng, _GENDER_W, n_cust)],
        }
    )

    # ---- traffic: channel level (every day) ------------------------------------------------
    rng = _rng(seed, 11)
    cvr_t = (
        dayf["cvr_mult"].to_numpy()[:, None] * _CH_CVR[None, :] * _lognormal(rng, 0.04, lam0.shape)
    )
    vis = np.round(lam0 / cvr_t).astype(np.int64)
    imp = np.round(vis / (_CH_CTR[None, :] * _lognormal(rng, 0.05, lam0.shape))).astype(np.int64)
    cart_p = np.clip(_CH_CART[None, :] * dayf["cart_mult"].to_numpy()[:, None], 0, 0.6)
    cart = rng.binomial(vis, cart_p)
    fav = rng.binomial(vis, np.broadcast_to(_CH_FAV[None, :], vis.shape))
    ch_rows = pd.DataFrame(
        {
            "date": np.repeat(dates, len(CHANNELS)),
            "channel": np.tile(np.array(CHANNELS, dtype=object), nd),
            "sku_id": None,
            "impressions": imp.ravel(),
            "visitors": vis.ravel(),
            "add_to_cart_users": cart.ravel(),
            "favorite_users": fav.ravel(),
        }
    )
    # item level (channel 全部) for the last 90 days, from expected (not realised) demand
    n_item_days = min(90, nd)
    item_parts = []
    sku_cvr = _rng(seed, 12).uniform(0.8, 1.4, nsku)
    sku_cart = _rng(seed, 13).uniform(0.040, 0.055, nsku)
    nh_day = dayf["nianhuo"].to_numpy()
    for i in range(nd - n_item_days, nd):
        w = _sku_weights(cat, min(dates[i], end), end)
        if nh_day[i]:
            w = np.where(ci == 2, w * 3.0, w)
        w_live = np.where(ci <= 1, w * 1.6, w)
        lines_per_order = 1.70 if burst[i] else 1.46
        other = lam0[i].sum() - lam0[i, live]
        exp_buy = lines_per_order * (other * w / w.sum() + lam0[i, live] * w_live / w_live.sum())
        v = exp_buy / (SHOP_CVR * dayf["cvr_mult"].iloc[i] * sku_cvr)
        v = rng.poisson(v * _lognormal(rng, 0.1, nsku))
        for so in plan["stockouts"]["items"]:
            if so["start"] <= dates[i] <= so["end"]:
                v[sku_index[so["sku_id"]]] //= 3
        cp = sku_cart * (1 + 0.4 * (dayf["cart_mult"].iloc[i] - 1))
        if i >= p5_start:
            cp[p5] = plan["P5"]["cart_rate"]
        item_parts.append(
            pd.DataFrame(
                {
                    "date": dates[i],
                    "channel": "全部",
                    "sku_id": cat["sku_id"].to_numpy(),
                    "impressions": rng.poisson(v / 0.05),
                    "visitors": v,
                    "add_to_cart_users": rng.binomial(v, cp),
                    "favorite_users": rng.binomial(v, 0.04),
                }
            )
        )
    items = pd.concat(item_parts, ignore_index=True)
    items = items[items["visitors"] > 0]
    traffic = pd.concat([ch_rows, items], ignore_index=True)

    # ---- ad spend -----------------------------------------------------------------------
    rng = _rng(seed, 14)
    ch_gmv = np.zeros((nd, len(CHANNELS)))
    pm = o_paid
    np.add.at(ch_gmv, (paid_day[pm].astype(np.int64), o_ch[pm]), paid_amount[pm])
    aov = np.array(
        [
            paid_amount[pm & (o_ch == c)].mean() if (pm & (o_ch == c)).any() else 150.0
            for c in range(len(CHANNELS))
        ]
    )
    ad_rows = []
    spend_mult = dayf["spend_mult"].to_numpy()
    for c, campaigns, attr_share, roas in (
        (
            paid_ch,
            (("直通车-关键词推广", 0.55), ("万相台-货品加速", 0.30), ("引力魔方-人群拉新", 0.15)),
            1.0,
            3.2,
        ),
        (live, (("超级直播", 1.0),), 0.30, 3.5),
    ):
        # budgets follow the plan (trend, weekday, promo calendar), not the daily noise
        exp_gmv = (dayf["level"] * dayf["weekday"]).to_numpy() * scale * _CH_SHARE[c] * aov[c]
        budget = exp_gmv * attr_share / roas * spend_mult
        for name, sh in campaigns:
            spend = budget * sh * _lognormal(rng, 0.05, nd)
            clicks = vis[:, c] * sh * (1.1 if c == paid_ch else 0.35) * _lognormal(rng, 0.05, nd)
            impr = clicks / (0.025 * _lognormal(rng, 0.05, nd))
            attr = ch_gmv[:, c] * attr_share * sh * _lognormal(rng, 0.08, nd)
            if c == paid_ch:
                spend[d_e] *= plan["P4"]["factor"]
                impr[d_e] *= 2.3
                clicks[d_e] *= 1.25
            ad_rows.append(
                pd.DataFrame(
                    {
                        "date": dates,
                        "channel": CHANNELS[c],
                        "campaign": name,
                        "spend": np.round(spend, 2),
                        "impressions": np.round(impr).astype("int64"),
                        "clicks": np.round(clicks).astype("int64"),
                        "attributed_gmv": np.round(attr, 2),
                    }
                )
            )
    ad_spend = pd.concat(ad_rows, ignore_index=True).sort_values(["date", "channel", "campaign"])
    ad_spend = ad_spend.reset_index(drop=True)

    # ---- inventory (last 90 days) ---------------------------------------------------------
    rng = _rng(seed, 15)
    n_inv = min(90, nd)
    units = np.zeros((nd, nsku))
    lp = l_paid
    np.add.at(units, (l_pday[lp].astype(np.int64), sku[lp]), qty[lp])
    lead = np.round(_CAT_LEAD[ci] * rng.uniform(0.7, 1.3, nsku))
    i0 = nd - n_inv
    avg = np.maximum(units[max(0, i0 - 28) : max(i0, 1)].mean(axis=0), 0.3)
    on_hand = np.round(avg * rng.uniform(25, 60, nsku))
    pipeline: dict[int, np.ndarray] = {}
    snaps = np.zeros((n_inv, nsku))
    forced = np.zeros((n_inv, nsku), dtype=bool)
    for so in plan["stockouts"]["items"]:
        a, b = _day_of(so["start"]) - i0, _day_of(so["end"]) - i0
        if b >= 0:
            forced[max(a, 0) : b + 1, sku_index[so["sku_id"]]] = True
    on_order = np.zeros(nsku, dtype=bool)
    for j in range(n_inv):
        i = i0 + j
        arrive = pipeline.pop(j, None)
        if arrive is not None:
            on_hand += arrive
            on_order &= arrive == 0
        avg = 0.8 * avg + 0.2 * units[i]
        on_hand = np.maximum(on_hand - units[i], 0)
        on_hand[forced[j]] = 0
        if j > 0:  # the late delivery arrives right after a forced stock-out
            back = forced[j - 1] & ~forced[j]
            on_hand[back] += np.round(avg[back] * 35) + 10
            on_order[back] = False
        reorder = (~on_order) & (on_hand < avg * (lead + 7))
        if reorder.any():
            qty_in = np.where(reorder, np.round(avg * rng.uniform(30, 45, nsku)) + 10, 0)
            for ld in np.unique(lead[reorder]).astype(int):
                m = reorder & (lead == ld)
                pipeline.setdefault(j + ld, np.zeros(nsku))
                pipeline[j + ld] = pipeline[j + ld] + np.where(m, qty_in, 0)
            on_order |= reorder
        snaps[j] = on_hand
    launched = launch_day[None, :] <= np.arange(i0, nd)[:, None]
    inventory = pd.DataFrame(
        {
            "date": np.repeat(dates[i0:], nsku),
            "sku_id": np.tile(cat["sku_id"].to_numpy(), n_inv),
            "on_hand": snaps.ravel().astype("int64"),
            "lead_time_days": np.tile(lead, n_inv),
        }
    )[launched.ravel()].reset_index(drop=True)

    products = cat[["sku_id", "title", "category", "list_price", "unit_cost", "launch_date"]].copy()
    return {
        "orders": orders,
        "order_items": order_items,
        "products": products,
        "traffic": traffic,
        "ad_spend": ad_spend,
        "inventory": inventory,
        "after_sales": after_sales,
        "customers": customers,
        "promotions": promos,
        "market": _market(seed, dates[0], end),
        "competitors": _competitors(seed, dates[0], end, cat, plan),
    }


def _months(start: pd.Timestamp, end: pd.Timestamp) -> pd.DatetimeIndex:
    """Complete months from the month of ``start`` to the month before ``end``'s month."""
    last = end.to_period("M") - 1
    if (end + _ONE_DAY).day == 1:
        last = end.to_period("M")
    return pd.period_range(start.to_period("M"), last, freq="M").to_timestamp()


def _market(seed: int, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """行业大盘 by month and category; 美妆 grows, 数码 declines, 家居 is an emerging blue ocean."""
    rng = _rng(seed, 20)
    months = _months(start, end)
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
        noise = _lognormal(rng, 0.04, len(months))
        rows.append(
            pd.DataFrame(
                {
                    "month": months,
                    "category": cat_name,
                    "search_index": np.round(si * trend * season * noise, 0),
                    "market_gmv": np.round(gmv * trend * season * noise, -4),
                    "competing_items": np.round(items * np.exp(0.6 * g * t)).astype("int64"),
                    "avg_cvr": np.round(cvr * _lognormal(rng, 0.03, len(months)), 4),
                    "avg_margin": np.round(margin + rng.normal(0, 0.01, len(months)), 3),
                    "avg_return_rate": np.round(ret * _lognormal(rng, 0.05, len(months)), 4),
                }
            )
        )
    out = pd.concat(rows, ignore_index=True)
    out["month"] = out["month"].astype("datetime64[ns]")
    return out.sort_values(["month", "category"]).reset_index(drop=True)


def _competitors(
    seed: int, start: pd.Timestamp, end: pd.Timestamp, cat: pd.DataFrame, plan: dict
) -> pd.DataFrame:
    """Four competitor shops x three tracked items each, monthly."""
    rng = _rng(seed, 21)
    months = _months(start, end)
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
            sales = base_sales * np.exp(g * t) * season * _lognormal(rng, 0.15, len(months))
            rows.append(
                pd.DataFrame(
                    {
                        "month": months,
                        "competitor": shop,
                        "item": item,
                        "category": category,
                        "price": np.where(
                            months.month == 11, _charm(np.array([price * 0.9]))[0], price
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


# --------------------------------------------------------------------------------------
# writing
# --------------------------------------------------------------------------------------
def _to_csv_bytes(df: pd.DataFrame) -> bytes:
    out = df.copy()
    for col in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[col]):
            kind = _DTYPES.get(col)
            fmt = "%Y-%m-%d" if kind == "date" else "%Y-%m-%d %H:%M:%S"
            out[col] = out[col].dt.strftime(fmt)
    buf = io.StringIO()
    out.to_csv(buf, index=False, lineterminator="\n")
    return buf.getvalue().encode("utf-8")


def settings_dict() -> dict[str, Any]:
    """The ``playbook.yaml`` written next to the sample data."""
    return {
        "shop_name": SHOP_NAME,
        "currency": "CNY",
        "timezone": "Asia/Shanghai",
        "language": "zh",
        "industry_cvr": INDUSTRY_CVR,
    }


def generate_sample(
    out_dir: str | Path,
    *,
    seed: int = DEFAULT_SEED,
    end_date: Any = END_DATE,
    days: int = 730,
    scale: float = 1.0,
    fmt: str = "csv",
) -> dict[str, int]:
    """Generate the sample shop and write it as contract tables.

    Parameters
    ----------
    out_dir : folder to write into (created if needed).
    seed : random seed; the same seed and options give byte-identical files.
    end_date : last day of data (E); nothing is dated after it.
    days : number of days of orders, ending on ``end_date``.
    scale : multiplies the order volume (1.0 is about 80 paid orders a day at the start,
        150 at the end; ``scale=30`` gives millions of order lines).
    fmt : ``"csv"`` (UTF-8, ``.csv.gz`` for the big tables, ``.csv`` for the small ones) or
        ``"parquet"`` (every table).

    Returns
    -------
    dict table name -> rows written. ``playbook.yaml`` holds the shop settings.
    """
    if fmt not in ("csv", "parquet"):
        raise ValueError(f"fmt must be 'csv' or 'parquet', not {fmt!r}")
    end = pd.Timestamp(end_date).normalize()
    tables = _build(seed, end, days, scale)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rows: dict[str, int] = {}
    for name, df in tables.items():
        cols = [c for c in TABLES[name].column_names if c in df.columns]
        df = df[cols]
        for stale in (f"{name}.csv", f"{name}.csv.gz", f"{name}.parquet"):
            (out / stale).unlink(missing_ok=True)
        if fmt == "parquet":
            df.to_parquet(out / f"{name}.parquet", index=False)
        elif name in _BIG_TABLES:
            data = gzip.compress(_to_csv_bytes(df), compresslevel=9, mtime=0)
            (out / f"{name}.csv.gz").write_bytes(data)
        else:
            (out / f"{name}.csv").write_bytes(_to_csv_bytes(df))
        rows[name] = len(df)
    text = yaml.safe_dump(settings_dict(), allow_unicode=True, sort_keys=False)
    (out / "playbook.yaml").write_text(text, encoding="utf-8")
    return rows
