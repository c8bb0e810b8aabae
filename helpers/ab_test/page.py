"""The A/B notebook's section bodies: each displays one section from an :class:`AbReport`."""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import display

from helpers import explorer
from helpers.ab_test import charts
from helpers.ab_test.design import Design
from helpers.ab_test.report import AbReport, reason_text
from helpers.explorer import Choice, Explorer, Filters
from helpers.report import escape_text
from helpers.view import bullet_list, format_frame, md, note

UNITS = {
    "experiment": "text",
    "variant": "text",
    "visitors_control": "count",
    "visitors_treatment": "count",
    "cvr_control": "ratio",
    "cvr_treatment": "ratio",
    "cvr_diff": "ratio",
    "p_value": "text",
    "rpv_control": "currency",
    "rpv_treatment": "currency",
    "srm_p_value": "text",
    "planned_per_variant": "count",
    "verdict_text": "text",
}
LABELS = {
    "zh": {
        "experiment": "实验",
        "variant": "版本",
        "visitors_control": "对照组访客",
        "visitors_treatment": "实验组访客",
        "cvr_control": "对照组转化率",
        "cvr_treatment": "实验组转化率",
        "cvr_diff": "转化率差",
        "p_value": "p 值",
        "rpv_control": "对照组每访客收入",
        "rpv_treatment": "实验组每访客收入",
        "srm_p_value": "分流检验 p 值",
        "planned_per_variant": "每组计划样本",
        "verdict_text": "结论",
    },
    "en": {k: k.replace("_", " ") for k in UNITS} | {"verdict_text": "verdict"},
}


def show_design(design: Design | None, *, lang: str = "zh") -> None:
    """The planned sample and duration for the shop's own baseline CVR and traffic."""
    if design is None:
        display(
            note(
                "没有流量数据（traffic 表的访客数，或 ab_test.design_channel 指定的渠道没有数据），"
                "无法按店铺的真实流量计算所需天数。",
                "No traffic data (visitors in the traffic table, or none for the channel set in "
                "ab_test.design_channel): the days needed cannot be computed from the shop's "
                "real traffic.",
                lang=lang,
            )
        )
        return
    if lang == "zh":
        text = (
            f"近期全店转化率 **{design.baseline_cvr:.2%}**，要发现 **{design.lift:+.0%}** 的相对提升"
            f"（到 {design.target_cvr:.2%}），显著性 {design.alpha:g}、把握度 {design.power:.0%}："
            f"每组需要 **{design.n_control:,}** 个访客，共 {design.n_total:,} 个；"
            f"按每天约 {design.daily_visitors:,.0f} 个访客全部进入测试，需要 **{design.days} 天**。"
        )
    else:
        text = (
            f"Recent shop CVR **{design.baseline_cvr:.2%}**; to detect a **{design.lift:+.0%}** "
            f"relative lift (to {design.target_cvr:.2%}) at alpha {design.alpha:g} and power "
            f"{design.power:.0%}: **{design.n_control:,}** visitors per variant, "
            f"{design.n_total:,} in all; with about {design.daily_visitors:,.0f} visitors a day "
            f"all in the test that is **{design.days} days**."
        )
    display(md(text))


def show_results(table: pd.DataFrame, *, lang: str = "zh", currency: str = "CNY") -> None:
    """The readings table and the CVR difference chart."""
    shown = table.assign(
        p_value=table["p_value"].map(lambda p: f"{p:.3g}"),
        srm_p_value=table["srm_p_value"].map(lambda p: f"{p:.3g}"),
    )
    display(format_frame(shown, units=UNITS, labels=LABELS[lang], lang=lang, currency=currency))
    charts.lift_intervals(table, lang=lang)
    plt.show()


def show_verdicts(report: AbReport, *, lang: str = "zh") -> None:
    """One plain-language line per experiment: verdict and reason."""
    words = dict(
        zip(
            report.table["experiment"] + report.table["variant"],
            report.table["verdict_text"],
            strict=True,
        )
    )
    display(
        bullet_list(
            f"**{escape_text(r.experiment)}** ({escape_text(r.variant)}): "
            f"**{words[r.experiment + r.variant]}** - {reason_text(r, lang)}" + guard_text(r, lang)
            for r in report.readings
        )
    )


def guard_text(r: Any, lang: str) -> str:
    """The guardrail sentence: figures, or why there are none."""
    g = r.guardrails
    if not g.available:
        return (
            " 护栏：实验表没有订单和退款列，退款率和笔单价无法按版本比较。"
            if lang == "zh"
            else " Guardrails: the experiments table has no orders or refunds, so refund "
            "rate and AOV cannot be compared by variant."
        )
    if lang == "zh":
        return (
            f" 护栏：退款率 {g.refund_rate_control:.1%} → {g.refund_rate_treatment:.1%}，"
            f"笔单价 {g.aov_control:,.0f} → {g.aov_treatment:,.0f}。"
        )
    return (
        f" Guardrails: refund rate {g.refund_rate_control:.1%} → "
        f"{g.refund_rate_treatment:.1%}, AOV {g.aov_control:,.0f} → {g.aov_treatment:,.0f}."
    )


#: What the explorer says when no experiment is kept ``(zh, en)``.
EXPLORE_EMPTY = (
    "没有符合筛选条件的实验，请放宽筛选。",
    "No experiment matches the filters: widen them.",
)
#: Words of the explorer's status filter ``(zh, en)``.
STATUS_WORDS = {"running": ("进行中", "running"), "finished": ("已结束", "finished")}


def explore(
    report: AbReport, *, lang: str = "zh", currency: str = "CNY", interactive: bool = True
) -> Explorer | None:
    """The readings table, the CVR difference chart and the verdict lines of the chosen
    experiment, status and experiment / variant search. The batch draws every experiment."""
    if not report.readings:
        return None
    names = list(dict.fromkeys(r.experiment for r in report.readings))
    choice = Choice("experiment", "实验" if lang == "zh" else "Experiment",
                    (("全部" if lang == "zh" else "All", None), *[(n, n) for n in names]), None)  # fmt: skip

    def draw(rows: pd.DataFrame, filters: Filters, experiment: str | None) -> None:
        if experiment is not None:
            rows = rows.loc[rows["experiment"] == experiment]
        if rows.empty:
            return print(EXPLORE_EMPTY[0 if lang == "zh" else 1])
        show_results(rows, lang=lang, currency=currency)
        kept = set(zip(rows["experiment"], rows["variant"], strict=True))
        chosen = [r for r in report.readings if (r.experiment, r.variant) in kept]
        show_verdicts(AbReport(report.design, chosen, rows), lang=lang)

    status = {k: v[0 if lang == "zh" else 1] for k, v in STATUS_WORDS.items()}
    return explorer.explore(
        report.table, draw, interactive=interactive, lang=lang, extra=[choice],
        columns=explorer.Columns(segment="status", search=("experiment", "variant")),
        value_labels={"segment": lambda s: status.get(s, s)},
        labels={"segment": "状态" if lang == "zh" else "Status",
                "search": "实验/版本" if lang == "zh" else "Experiment / variant"},
    )  # fmt: skip
