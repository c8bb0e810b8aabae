"""Checklist lines about money and the calendar: ad spend against the plan and today's
promotion phase."""

from __future__ import annotations

import pandas as pd

from helpers.facts import Facts
from helpers.festivals import PHASE_ZH, festival_name
from helpers.numbers import num
from helpers.product_matrix.inventory import next_festival
from helpers.report import escape_text
from helpers.start_here.status import Item, unavailable
from helpers.start_here.theme import StartHereSettings

ADS: tuple[str, str] = ("推广花费对比计划", "Ad spend against plan")
PROMO: tuple[str, str] = ("今日大促阶段", "Today's promotion phase")
PHASE_EN = {"warmup": "warm-up", "burst": "burst", "afterglow": "after-glow"}
#: days before the run date whose average daily spend is the plan when no budget is set
PLAN_DAYS = 7


def spend_by_channel(facts: Facts) -> pd.DataFrame:
    """Ad spend per channel on the run date and its average over the 7 days before:
    ``channel, spend, plan, ratio`` (``ratio = spend / plan``), largest spend first."""
    dc = facts.daily_channel
    day = facts.run_date
    today = dc.loc[dc["date"] == day].groupby("channel")["ad_spend"].sum(min_count=1)
    before = dc.loc[(dc["date"] < day) & (dc["date"] >= day - pd.Timedelta(days=PLAN_DAYS))]
    plan = before.groupby("channel")["ad_spend"].sum(min_count=1) / PLAN_DAYS
    out = pd.DataFrame({"spend": today, "plan": plan}).fillna(0.0)
    out = out.loc[(out["spend"] > 0) | (out["plan"] > 0)]
    out["ratio"] = out["spend"] / out["plan"].where(out["plan"] > 0)
    out = out.rename_axis("channel").reset_index()
    return out.sort_values(["spend", "channel"], ascending=[False, True]).reset_index(drop=True)


def ads_item(facts: Facts, settings: StartHereSettings) -> Item:
    """The run date's total spend against the plan: ``ad_budget_daily``, else the average daily
    spend of the 7 days before. ``ratio = spend / plan``; urgent above ``1 + ad_over_urgent``,
    attention when ``|ratio - 1| > ad_over``."""
    if "ad_spend" not in facts.available:
        why = ("没有推广花费表（ad_spend），无法对比计划。", "No ad spend table (ad_spend).")
        return unavailable("ads", ADS, ("ad_spend",), why)
    rows = spend_by_channel(facts)
    spend = float(rows["spend"].sum())
    plan = settings.ad_budget_daily or float(rows["plan"].sum())
    if plan <= 0:
        why = ("计划花费为 0，无法对比（设置 start_here.ad_budget_daily）。",
               "The plan is 0: set start_here.ad_budget_daily.")  # fmt: skip
        return unavailable("ads", ADS, ("start_here.ad_budget_daily",), why)
    ratio = spend / plan
    status = (
        "urgent"
        if ratio - 1 > settings.ad_over_urgent
        else "attention"
        if abs(ratio - 1) > settings.ad_over
        else "ok"
    )
    basis = ("预算", "budget") if settings.ad_budget_daily else ("前 7 日日均", "the 7-day average")
    detail = (
        f"复盘日推广花费 {num(spend)}，{basis[0]} {num(plan)}，为计划的 {ratio:.0%}"
        + ("：检查预算、出价或人群是否被改动。" if status != "ok" else "。"),
        f"Ad spend on the run date {num(spend)} against {basis[1]} {num(plan)}: "
        f"{ratio:.0%} of plan"
        + ("; check whether budgets, bids or audiences were changed." if status != "ok" else "."),
    )
    count = int((rows["ratio"].sub(1).abs() > settings.ad_over).sum())
    return Item("ads", ADS, status, count if status != "ok" else 0, detail, rows)


def promo_item(facts: Facts, settings: StartHereSettings, calendar: str = "cn") -> Item:
    """Today's festival phases (``facts.promo_days``) and the next platform festival:
    attention during a phase or when the next warm-up starts within ``promo_soon_days``."""
    day = facts.run_date
    today = facts.promo_days.loc[facts.promo_days["date"] == day, ["promo_id", "name", "phase"]]
    nxt = next_festival(day, calendar)
    rows = today.assign(days_to_start=0).reset_index(drop=True)
    zh, en = [], []
    for name, phase in zip(today["name"].astype(str), today["phase"].astype(str), strict=True):
        zh.append(f"{escape_text(name)} {PHASE_ZH.get(phase, phase)}期")
        en.append(f"{escape_text(festival_name(name, 'en'))} {PHASE_EN.get(phase, phase)}")
    soon = False
    if nxt is not None:
        days = int((nxt.warmup_start - day).days)
        soon = 0 < days <= settings.promo_soon_days
        nxt_row = {"promo_id": "next", "name": nxt.name, "phase": "warmup", "days_to_start": days}
        rows = pd.concat([rows, pd.DataFrame([nxt_row])], ignore_index=True)
        zh.append(
            f"下一个大促 {escape_text(nxt.name)} 预热 {nxt.warmup_start:%m-%d} 开始（{days} 天后）"
        )
        en.append(
            f"next festival {escape_text(festival_name(nxt.name, 'en'))} warms up on "
            f"{nxt.warmup_start:%m-%d} (in {days} days)"
        )
    status = "attention" if not today.empty or soon else "ok"
    detail = (
        ("今天不在大促期；" if today.empty else "今天：") + "；".join(zh) + "。",
        ("No festival today; " if today.empty else "Today: ") + "; ".join(en) + ".",
    )
    return Item("promo", PROMO, status, len(today), detail, rows)
