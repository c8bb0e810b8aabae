"""The A/B notebook's tables and words: readings as a table, the verdict in plain words, the
design for the shop's traffic, and the summary.json payload."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

from helpers.ab_test.design import Design, sample_size, traffic_baseline
from helpers.ab_test.theme import AbTestSettings
from helpers.ab_test.verdict import Reading, read_all

VERDICT_WORDS = {
    "ship": ("上线", "ship"),
    "dont_ship": ("不上线", "don't ship"),
    "keep_running": ("继续跑", "keep running"),
    "blocked": ("结论暂停（分流异常）", "blocked (split is off)"),
}
REASON_WORDS = {
    "srm": (
        "实际分流比例 {obs:.1%} 与计划 {plan:.1%} 显著不符（卡方 p={p:.2g}），数据不可信："
        "先查分流代码、爬虫流量或某个版本是否出错，修好后重新开始。",
        "the observed split {obs:.1%} departs from the planned {plan:.1%} (chi-square p={p:.2g}), "
        "so the numbers cannot be trusted: check the assignment, bots or a broken variant, "
        "fix it and restart.",
    ),
    "sample_not_reached": (
        "样本量还不够（对照组 {n:,} / 计划 {need:,}），现在看 p 值就是“偷看”，会放大假阳性：继续跑。",
        "the planned sample is not reached (control {n:,} of {need:,}); reading the p-value now "
        "is peeking and inflates false wins: keep running.",
    ),
    "refund_guardrail": (
        "转化率虽然变了，但退款率从 {rc:.1%} 升到 {rt:.1%}，超过护栏：不上线。",
        "the refund rate rose from {rc:.1%} to {rt:.1%}, past the guardrail: don't ship.",
    ),
    "significant_win": (
        "转化率从 {pc:.2%} 升到 {pt:.2%}（{lift:+.1%}，p={p:.2g}），样本量已达到：上线。",
        "CVR rose from {pc:.2%} to {pt:.2%} ({lift:+.1%}, p={p:.2g}) with the planned sample: ship.",
    ),
    "significant_loss": (
        "转化率从 {pc:.2%} 降到 {pt:.2%}（p={p:.2g}）：新版本更差，不上线。",
        "CVR fell from {pc:.2%} to {pt:.2%} (p={p:.2g}): the change is worse, don't ship.",
    ),
    "no_difference": (
        "样本量已达到，但转化率差别不显著（p={p:.2g}）：改动没有可分辨的效果，不上线。",
        "the planned sample is reached but the CVR difference is not significant (p={p:.2g}): "
        "no detectable effect, don't ship.",
    ),
}


def reason_text(r: Reading, lang: str) -> str:
    """The plain-language reason of a reading's verdict."""
    c, g = r.conversion, r.guardrails
    zh, en = REASON_WORDS[r.reason]
    return (zh if lang == "zh" else en).format(
        obs=r.ratio.observed_share,
        plan=r.ratio.planned_share,
        p=c.p_value if r.reason != "srm" else r.ratio.p_value,
        n=c.n_control,
        need=r.plan.n_control,
        rc=g.refund_rate_control,
        rt=g.refund_rate_treatment,
        pc=c.cvr_control,
        pt=c.cvr_treatment,
        lift=c.lift,
    )


def readings_table(readings: list[Reading], lang: str = "zh") -> pd.DataFrame:
    """One row per experiment and treatment: counts, CVRs, difference with CI, p-values,
    revenue per visitor, planned sample and the verdict."""
    rows = []
    for r in readings:
        c, rev = r.conversion, r.revenue
        rows.append(
            {
                "experiment": r.experiment,
                "variant": r.variant,
                "visitors_control": c.n_control,
                "visitors_treatment": c.n_treatment,
                "cvr_control": c.cvr_control,
                "cvr_treatment": c.cvr_treatment,
                "cvr_diff": c.diff,
                "ci_low": c.ci_low,
                "ci_high": c.ci_high,
                "p_value": c.p_value,
                "rpv_control": rev.rpv_control if rev else math.nan,
                "rpv_treatment": rev.rpv_treatment if rev else math.nan,
                "rpv_p_value": rev.p_value if rev else math.nan,
                "rpv_method": rev.method if rev else "",
                "srm_p_value": r.ratio.p_value,
                "planned_per_variant": r.plan.n_control,
                "status": "running" if not r.reached else "finished",
                "verdict": r.verdict,
                "verdict_text": VERDICT_WORDS[r.verdict][0 if lang == "zh" else 1],
            }
        )
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class AbReport:
    """What the notebook shows: the design, the readings and their table."""

    design: Design | None
    readings: list[Reading]
    table: pd.DataFrame


def design_traffic(
    daily: pd.DataFrame | None, daily_channel: pd.DataFrame | None, channel: str
) -> pd.DataFrame | None:
    """The daily ``uv`` and ``buyers`` the design is sized on: the shop's, or one channel's
    (facts.daily_channel) when ``channel`` is set; None when that channel has no rows."""
    if not channel:
        return daily
    if daily_channel is None or "channel" not in daily_channel:
        return None
    rows = daily_channel[daily_channel["channel"] == channel]
    return rows if not rows.empty else None


def ab_report(
    experiments: pd.DataFrame | None,
    daily: pd.DataFrame | None,
    settings: AbTestSettings,
    run_date: pd.Timestamp,
    lang: str = "zh",
) -> AbReport:
    """Read every experiment on rows dated up to ``run_date`` and plan a test on the
    traffic in ``daily`` (``uv`` and ``buyers`` per day, see :func:`design_traffic`) of the
    last ``design_days`` up to ``run_date``."""
    options: dict[str, Any] = dict(
        control=settings.control,
        lift=settings.min_lift,
        alpha=settings.alpha,
        power=settings.power,
        planned_share=settings.treatment_share,
        srm_threshold=settings.srm_threshold,
        refund_tolerance=settings.refund_tolerance,
    )
    readings: list[Reading] = []
    if experiments is not None and not experiments.empty:
        rows = experiments[pd.to_datetime(experiments["date"]) <= run_date]
        readings = read_all(rows, **options)
    if daily is not None and "date" in daily:
        daily = daily[pd.to_datetime(daily["date"]) <= run_date]
    base = traffic_baseline(daily, days=settings.design_days) if daily is not None else None
    design = None
    if base is not None and 0 < base[0] < 0.999 / (1 + settings.min_lift):
        design = sample_size(
            base[0],
            settings.min_lift,
            alpha=settings.alpha,
            power=settings.power,
            treatment_share=settings.treatment_share,
            daily_visitors=base[1],
        )
    return AbReport(design, readings, readings_table(readings, lang))


def summary_extra(report: AbReport) -> dict[str, Any]:
    """The summary.json payload: each experiment's status, verdict and headline figures."""
    return {
        "experiments": [
            {
                "experiment": r.experiment,
                "variant": r.variant,
                "status": "running" if not r.reached else "finished",
                "verdict": r.verdict,
                "reason": r.reason,
                "cvr_diff": round(r.conversion.diff, 6),
                "p_value": round(r.conversion.p_value, 6),
                "srm_p_value": float(f"{r.ratio.p_value:.3g}"),
            }
            for r in report.readings
        ],
        "design_per_variant": report.design.n_control if report.design else None,
        "design_days": report.design.days if report.design else None,
    }
