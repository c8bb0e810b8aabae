"""The start-here notebook's displays: the coloured checklist, the lists behind it and the
map of the other notebooks. Display only; every figure comes from :mod:`.checklist`."""

from __future__ import annotations

from typing import Any

import pandas as pd
from IPython.display import HTML, display

from helpers.festivals import PHASE_ZH, festival_name
from helpers.report import escape_text
from helpers.sections import pick
from helpers.start_here.abnormal import KIND_TEXT
from helpers.start_here.checklist import Checklist
from helpers.start_here.guide import notebook_map
from helpers.start_here.marketing import PHASE_EN
from helpers.start_here.status import STATUS_COLOUR, STATUS_TEXT, Item
from helpers.view import format_frame, md

#: rows of each list shown on the page (the export holds all)
SHOWN_ROWS = 10
HEAD = {
    "zh": ("事项", "状态", "数量", "说明"),
    "en": ("Item", "Status", "Count", "What it says"),
}
UNITS = {
    "order_id": "text",
    "case_id": "text",
    "subject": "text",
    "kind": "text",
    "channel": "text",
    "sku_id": "text",
    "type": "text",
    "reason": "text",
    "name": "text",
    "phase": "text",
    "hours_unpaid": "count",
    "hours_waiting": "count",
    "hours_still": "count",
    "refund_amount": "currency",
    "spend": "currency",
    "plan": "currency",
    "ratio": "ratio",
    "value": "text",
    "reference": "text",
    "days_to_start": "count",
    "status": "text",
}
#: Every column a list shows, ``(zh, en)``; the exported CSVs keep the machine names.
COLUMN_LABELS: dict[str, tuple[str, str]] = {
    "order_id": ("订单号", "Order"),
    "case_id": ("售后单号", "Case"),
    "subject": ("商品/渠道", "Item / channel"),
    "kind": ("异常", "Finding"),
    "channel": ("渠道", "Channel"),
    "sku_id": ("商品编码", "Item"),
    "type": ("类型", "Type"),
    "reason": ("原因", "Reason"),
    "name": ("活动", "Event"),
    "phase": ("阶段", "Phase"),
    "hours_unpaid": ("未付款(小时)", "Unpaid (h)"),
    "hours_waiting": ("已等待(小时)", "Waiting (h)"),
    "hours_still": ("无物流更新(小时)", "No tracking (h)"),
    "refund_amount": ("退款金额", "Refund"),
    "spend": ("花费", "Spend"),
    "plan": ("计划", "Plan"),
    "ratio": ("花费/计划", "Spend / plan"),
    "value": ("当前", "Now"),
    "reference": ("预期或阈值", "Expected or limit"),
    "days_to_start": ("距开始(天)", "Days to start"),
    "status": ("状态", "Status"),
}
#: Categorical values a list shows, per column, ``(zh, en)`` (kind and status: their own
#: tables in :mod:`.abnormal` and :mod:`.status`).
VALUE_LABELS: dict[str, dict[str, tuple[str, str]]] = {
    "type": {
        "refund_only": ("仅退款", "refund only"),
        "return": ("退货退款", "return"),
        "cancellation": ("取消订单", "cancellation"),
        "complaint": ("投诉", "complaint"),
    },
    "phase": {p: (PHASE_ZH[p], PHASE_EN[p]) for p in PHASE_ZH},
}
#: abnormal kinds whose value and reference are rates (the others: visitors a day, days)
RATE_KINDS = ("refund_spike", "cart_high_pay_low", "channel_cvr_drop", "cvr_drop")


def badge(status: str, lang: str) -> str:
    """A coloured status label (HTML)."""
    colour = STATUS_COLOUR[status]
    text = pick(STATUS_TEXT[status], lang)
    return (
        f'<span style="background:{colour};color:#fff;padding:2px 8px;'
        f'border-radius:8px;white-space:nowrap">{text}</span>'
    )


def checklist_table(checklist: Checklist, lang: str = "zh") -> str:
    """The checklist as an HTML table: title, coloured status, count, sentence."""
    head = "".join(f"<th style='text-align:left'>{h}</th>" for h in HEAD[lang])
    body = "".join(
        "<tr>"
        f"<td style='white-space:nowrap'>{escape_text(pick(it.title, lang))}</td>"
        f"<td>{badge(it.status, lang)}</td>"
        f"<td style='text-align:right'>{it.count}</td><td style='text-align:left'>"
        f"{pick(it.detail, lang)}</td></tr>"
        for it in checklist.items
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def show_checklist(checklist: Checklist, *, lang: str = "zh") -> None:
    display(HTML(checklist_table(checklist, lang)))


def _rows_for_display(item: Item, lang: str) -> pd.DataFrame:
    rows = item.rows.head(SHOWN_ROWS)
    if "kind" in rows.columns:
        rate = rows["kind"].isin(RATE_KINDS)
        for col in ("value", "reference"):
            shown = [f"{v:.2%}" if r else f"{v:,.1f}" for v, r in zip(rows[col], rate, strict=True)]
            rows = rows.assign(**{col: shown})
        rows = rows.assign(kind=rows["kind"].map(lambda k: pick(KIND_TEXT.get(k, (k, k)), lang)))
    if "status" in rows.columns:
        rows = rows.assign(status=rows["status"].map(lambda s: pick(STATUS_TEXT[s], lang)))
    for col, words in VALUE_LABELS.items():
        if col in rows.columns:
            rows = rows.assign(
                **{col: rows[col].map(lambda v, w=words: pick(w.get(v, (v, v)), lang))}
            )
    if "name" in rows.columns and lang == "en":
        rows = rows.assign(name=rows["name"].map(lambda n: festival_name(str(n), "en")))
    return rows


def list_frame(item: Item, *, lang: str = "zh", currency: str = "CNY") -> pd.DataFrame:
    """The first :data:`SHOWN_ROWS` rows of an item's list as displayed: every column and
    categorical value in ``lang``."""
    units = {c: UNITS[c] for c in item.rows.columns if c in UNITS}
    labels = {c: pick(COLUMN_LABELS[c], lang) for c in units}
    rows = _rows_for_display(item, lang)
    return format_frame(rows, units=units, labels=labels, lang=lang, currency=currency)


def show_lists(checklist: Checklist, *, lang: str = "zh", currency: str = "CNY") -> None:
    """Under a heading per line with rows: its first rows (all of them are exported)."""
    for it in checklist.items:
        if it.rows.empty or it.status == "ok":
            continue
        more = (
            f"（共 {len(it.rows)} 行，完整名单见导出文件）"
            if lang == "zh"
            else f" ({len(it.rows)} rows; the export holds all)"
        )
        display(md(f"**{escape_text(pick(it.title, lang))}**" + more))
        display(list_frame(it, lang=lang, currency=currency))


def map_table(lang: str = "zh", *, link_ext: str = ".ipynb") -> str:
    """The notebook map as an HTML table, each title linking to its notebook (``.ipynb`` in
    JupyterLab) or its report page (``.html`` in the batch run)."""
    frame = notebook_map(lang)
    heads = ("报告", "回答的问题", "什么时候打开", "包含") if lang == "zh" else (
        "Report", "Question it answers", "When to open it", "Sections")  # fmt: skip
    head = "".join(f"<th style='text-align:left'>{h}</th>" for h in heads)
    body = "".join(
        f"<tr><td style='white-space:nowrap'>"
        f"<a href='{escape_text(r.notebook)}{link_ext}'>{escape_text(r.title)}</a></td>"
        f"<td style='text-align:left'>{escape_text(r.question)}</td>"
        f"<td style='text-align:left'>{escape_text(r.when)}</td>"
        f"<td style='text-align:left'>{escape_text(r.sections)}</td></tr>"
        for r in frame.itertuples()
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def show_map(*, lang: str = "zh", batch: bool = False) -> Any:
    display(HTML(map_table(lang, link_ext=".html" if batch else ".ipynb")))


def show_header(ctx: Any, checklist: Checklist) -> None:
    """Shop, the morning the checklist is for, and its most urgent status."""
    lang = ctx.lang
    morning = checklist.run_date + pd.Timedelta(days=1)
    shop = escape_text(ctx.settings.shop_name)
    if lang == "zh":
        text = (
            f"<b>{shop}</b> · 数据截至 {checklist.run_date:%Y-%m-%d} 24:00 · "
            f"{morning:%Y-%m-%d} 早上的清单 · 总体：{badge(checklist.status, lang)}"
        )
    else:
        text = (
            f"<b>{shop}</b> · data up to the end of {checklist.run_date:%Y-%m-%d} · the "
            f"checklist for the morning of {morning:%Y-%m-%d} · overall: "
            f"{badge(checklist.status, lang)}"
        )
    display(HTML(f"<p>{text}</p>"))


def summary_extra(checklist: Checklist) -> dict[str, Any]:
    """What ``summary.json`` keeps of the checklist: its overall status and every line."""
    return {"checklist_status": checklist.status, "checklist": checklist.records()}
