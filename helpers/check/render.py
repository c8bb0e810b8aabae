"""``playbook check`` as aligned plain text for a terminal (zh or en).

Rendering only: it words the codes of a :class:`~helpers.check.report.CheckReport` (statuses,
reasons, problems) and aligns the columns, counting a CJK character as two cells. Nothing is
computed here.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import pandas as pd

from helpers import i18n
from helpers.cells import cell_int, cell_items
from helpers.check.report import CheckReport
from helpers.check.sections import PARTLY, RUNS, SKIPPED, item_label
from helpers.check.tables import TOP_REASONS

_TEXT: dict[str, tuple[str, str]] = {
    "title": ("数据检查：{name}", "Data check: {name}"),
    "settings": ("当前设置", "Settings in force"),
    "shop_name": ("店铺名称", "shop name"),
    "currency": ("币种", "currency"),
    "timezone": ("时区", "timezone"),
    "language": ("语言", "language"),
    "src_defaults": ("默认值", "defaults"),
    "src_command line": ("命令行参数", "command line"),
    "src_data": ("由数据推断", "from the data"),
    "run_date": (
        "默认复盘日期：{day}（订单中最后一个完整的自然日）",
        "Default run date: {day} (the last complete day in the orders)",
    ),
    "no_run_date": (
        "默认复盘日期：无法确定（订单没有可用的时间）",
        "Default run date: unknown (the orders have no usable timestamps)",
    ),
    "isolated": (
        "  以下 {n} 个订单的日期远晚于其余数据（疑似年份录错），确定默认复盘日期时未计入：{rows}",
        "  {n} order(s) dated far after the rest (a typo year?) were left out when finding "
        "the default run date: {rows}",
    ),
    "distinct": (
        "隔离的输入行：{n}（同一文件行被多张表读取时只计一次）",
        "Input rows quarantined: {n} (a file row read by several tables counts once)",
    ),
    "files": (
        "文件读取说明（丢弃的列、识别的格式）",
        "Files read (columns dropped, formats found)",
    ),
    "h_file": ("文件", "file"),
    "h_dropped": ("丢弃的列", "columns dropped"),
    "h_note": ("说明", "note"),
    "tables": ("数据表（* 为必需表）", "Tables (* = required)"),
    "h_table": ("表", "table"),
    "h_status": ("状态", "status"),
    "h_read": ("读取行", "read"),
    "h_accepted": ("通过", "accepted"),
    "h_quarantined": ("隔离", "quarantined"),
    "h_dates": ("日期范围", "date range"),
    "h_files": ("文件（映射）", "files (mapping)"),
    "found": ("找到", "found"),
    "empty": ("无可用行", "no usable rows"),
    "missing": ("缺失", "missing"),
    "contract": ("按表名", "contract"),
    "reasons": (
        "隔离原因（每表前 {n} 项；值不显示）",
        "Quarantine reasons (top {n} per table; values not shown)",
    ),
    "h_rows": ("行数", "rows"),
    "h_reason": ("原因", "reason"),
    "h_example": ("示例", "example"),
    "example": ("{file} 第 {row} 行", "{file} row {row}"),
    "no_quarantine": ("所有输入行均通过校验。", "Every input row passed validation."),
    "ignored": ("未使用的文件", "Files not used"),
    "notes": ("数据来源说明", "About the data"),
    "notebook": ("笔记本 {name}：各节", "Notebook {name}: sections"),
    "rules": ("笔记本 {name}：告警规则", "Notebook {name}: alert rules"),
    "h_section": ("节", "section"),
    "h_rule": ("规则", "rule"),
    "h_why": ("原因", "why"),
    RUNS: ("运行", "runs"),
    PARTLY: ("部分运行", "partly"),
    SKIPPED: ("跳过", "skipped"),
    "whole": ("（整个笔记本）", "(whole notebook)"),
    "add_table": (
        "补充数据：把 <表名>.csv（或 .csv.gz / .xlsx / .parquet）放进数据文件夹，例如 traffic.csv。",
        "To add a table, put <table>.csv (or .csv.gz / .xlsx / .parquet) in the data folder, "
        "e.g. traffic.csv.",
    ),
    "ok": (
        "结论：订单和订单明细可用，可以开始 playbook run。",
        "Result: orders and order lines are usable; playbook run can start.",
    ),
    "not_ok": ("结论：数据不可用。{problem}", "Result: the data is not usable. {problem}"),
}

_WHY: dict[str, tuple[str, str]] = {
    "table": ("缺少 {label} 表", "no {table} table"),
    "no_shipped_at": ("订单没有发货时间 shipped_at", "the orders have no shipped_at"),
    "no_industry_cvr": (
        "没有行业转化率：在 playbook.yaml 设置 industry_cvr，或提供 market 表",
        "no industry CVR: set industry_cvr in playbook.yaml or add the market table",
    ),
    "no_item_cart": (
        "流量表没有带加购人数的商品级行",
        "traffic has no item rows with add_to_cart_users",
    ),
    "no_after_sales_sku": ("售后表没有商家编码 sku_id", "after_sales has no sku_id"),
    "no_after_sales_order": (
        "售后单没有订单号，退货无法对应到销售",
        "after-sales cases name no order: returns cannot be matched to sales",
    ),
    "history": ("需要 {need} 天订单，现有 {have} 天", "needs {need} days of orders, has {have}"),
    "no_column": ("{column} 列没有值", "{column} has no values"),
    "see_rules": ("部分规则未运行，见下表", "some rules cannot run, see below"),
    "unusable": ("订单或订单明细不可用", "orders or order lines not usable"),
}

_PROBLEMS: dict[str, tuple[str, str]] = {
    "no_rows": (
        "{tables} 没有通过校验的行：按上面的隔离原因修正导出文件后重新检查。",
        "{tables}: no row passed validation; fix the export using the quarantine reasons "
        "above and check again.",
    ),
    "no_dates": (
        "订单没有可用的创建/付款时间：检查 created_at / paid_at 列。",
        "the orders have no usable created_at / paid_at: check those columns.",
    ),
}


def _t(key: str, lang: str, **kw: Any) -> str:
    pair = _TEXT[key]
    return (pair[0] if lang == "zh" else pair[1]).format(**kw)


def problem_text(problem: str, lang: str = "en") -> str:
    """The report's ``problem`` as a sentence saying what to fix ("" when usable)."""
    if not problem:
        return ""
    code, _, arg = problem.partition(":")
    pair = _PROBLEMS.get(code)
    if pair is None:
        return problem
    names = ", ".join(_table_name(t, lang) for t in arg.split(",") if t)
    return (pair[0] if lang == "zh" else pair[1]).format(tables=names)


def _table_name(name: str, lang: str) -> str:
    return f"{i18n.table_label(name, 'zh')} {name}" if lang == "zh" else name


def why_text(why: tuple, lang: str) -> str:
    """The reason codes of a sections row as one phrase (missing tables first, together)."""
    parts: list[str] = []
    tables = [w[1] for w in why if w[0] == "table"]
    if tables:
        if lang == "zh":
            parts.append("缺少 " + "、".join(_table_name(t, lang) for t in tables) + " 表")
        else:
            parts.append(f"no {', '.join(tables)} {'table' if len(tables) == 1 else 'tables'}")
    for w in why:
        if w[0] == "table":
            continue
        pair = _WHY.get(w[0], (w[0], w[0]))
        text = pair[0] if lang == "zh" else pair[1]
        if w[0] == "history":
            text = text.format(need=w[1], have=w[2])
        elif w[0] == "no_column":
            text = text.format(column=w[1])
        parts.append(text)
    return ("；" if lang == "zh" else "; ").join(parts)


def display_width(text: str) -> int:
    """Cells ``text`` takes in a terminal: two for a wide (CJK) character, one otherwise."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _pad(text: str, width: int, align: str) -> str:
    gap = " " * max(0, width - display_width(text))
    return gap + text if align == "r" else text + gap


def _grid(headers: list[str], rows: list[list[Any]], aligns: str, indent: str = "  ") -> list[str]:
    """Aligned columns; a cell may be a list of lines (continuation lines below)."""
    cells = [[c if isinstance(c, list) else [str(c)] for c in r] for r in rows]
    widths = [display_width(h) for h in headers]
    for r in cells:
        for i, c in enumerate(r):
            widths[i] = max(widths[i], *(display_width(x) for x in c))
    last = len(headers) - 1

    def line(values: list[str]) -> str:
        out = [
            _pad(v, widths[i], aligns[i]) if i < last or aligns[i] == "r" else v
            for i, v in enumerate(values)
        ]
        return (indent + "  ".join(out)).rstrip()

    lines = [line(headers), indent + "  ".join("-" * w for w in widths)]
    for r in cells:
        height = max(len(c) for c in r)
        for k in range(height):
            lines.append(line([c[k] if k < len(c) else "" for c in r]))
    return lines


def _day(ts: Any) -> str:
    return "" if ts is None or pd.isna(ts) else pd.Timestamp(ts).strftime("%Y-%m-%d")


def _int(n: Any) -> str:
    return f"{int(n):,}"


def _render_tables(report: CheckReport, lang: str) -> list[str]:
    dates = report.dates
    rows = []
    for r in report.tables.itertuples(index=False):
        name = _table_name(str(r.table), lang) + (" *" if r.mandatory else "")
        found = r.status != "missing"
        d = dates.loc[dates["table"] == r.table]
        span = [
            f"{column} {_day(first)} – {_day(last)}" if pd.notna(first) else f"{column} –"
            for column, first, last in zip(d["column"], d["first"], d["last"], strict=True)
        ]
        files = [
            f"{f} ({_t('contract', lang) if m == 'contract' else m})"
            for f, m in zip(cell_items(r.files), cell_items(r.mappings), strict=False)
        ]
        rows.append(
            [
                name,
                _t(str(r.status), lang),
                _int(r.rows_read) if found else "",
                _int(r.rows_accepted) if found else "",
                _int(r.rows_quarantined) if found else "",
                span or [""],
                files or [""],
            ]
        )
    heads = ["h_table", "h_status", "h_read", "h_accepted", "h_quarantined", "h_dates", "h_files"]
    return _grid([_t(h, lang) for h in heads], rows, "llrrrll")


def _render_sections(report: CheckReport, lang: str) -> list[str]:
    out: list[str] = []
    sec = report.sections
    for nb in dict.fromkeys(sec["notebook"]):
        mine = sec.loc[sec["notebook"] == nb]
        parts = [
            ("section", "notebook", "h_section"),
            ("alert", "rules", "h_rule"),
        ]
        whole = mine.loc[mine["kind"] == "notebook"]
        if not whole.empty:
            r = whole.iloc[0]
            out += ["", _t("notebook", lang, name=nb)]
            out += _grid(
                [_t("h_section", lang), _t("h_status", lang), _t("h_why", lang)],
                [[_t("whole", lang), _t(r["status"], lang), why_text(r["why"], lang)]],
                "lll",
            )
            continue
        for kind, title, head in parts:
            rows = mine.loc[mine["kind"] == kind]
            if rows.empty:
                continue
            table = []
            for r in rows.itertuples(index=False):
                label = item_label(nb, kind, r.item, lang)
                table.append([label, _t(r.status, lang), why_text(r.why, lang)])
            out += ["", _t(title, lang, name=nb)]
            out += _grid([_t(head, lang), _t("h_status", lang), _t("h_why", lang)], table, "lll")
    return out


def _render_settings(report: CheckReport, lang: str) -> list[str]:
    rows = []
    for r in report.settings.itertuples(index=False):
        key = f"src_{r.source}"
        source = _t(key, lang) if key in _TEXT else r.source
        rows.append([_t(str(r.setting), lang), r.value, source])
    lines = [_t("settings", lang), *_grid(["", "", ""], rows, "lll")[2:], ""]
    if report.run_date is None:
        return [*lines, _t("no_run_date", lang)]
    lines.append(_t("run_date", lang, day=_day(report.run_date)))
    if len(report.isolated):
        shown = [f"{r.order_id} ({_day(r.stamp)})" for r in report.isolated.head(10).itertuples()]
        more = " …" if len(report.isolated) > 10 else ""
        lines.append(_t("isolated", lang, n=len(report.isolated), rows=", ".join(shown) + more))
    return lines


#: How the format notes read in Chinese (pattern, replacement), applied in order.
_FORMAT_ZH: tuple[tuple[str, str], ...] = (
    (
        r"decimal point and decimal comma mixed \((\d+) and (\d+) values\); (\d+) value\(s\) "
        r"readable both ways quarantined",
        r"小数点与小数逗号混用（各 \1 和 \2 个），\3 个两种读法不同的值已隔离",
    ),
    (r"decimal comma(?: \(e\.g\. (.*?)\))?", r"小数逗号"),
    (
        r"day-first and month-first rows mixed \((\d+) and (\d+) unambiguous\)",
        r"日在前与月在前混用（可判定的各 \1 和 \2 行），无法判定的日期已隔离",
    ),
    (
        r"no row shows whether the day or the month comes first",
        "无法判定日与月的先后，这些日期已隔离",
    ),
    (r"day-first \((\d+) unambiguous rows\)", r"日在前（由 \1 行可判定的日期确定）"),
    (r"month-first \((\d+) unambiguous rows\)", r"月在前（由 \1 行可判定的日期确定）"),
    (r"day-first \(intake\.date_order\)", "日在前（设置 intake.date_order）"),
    (r"month-first \(intake\.date_order\)", "月在前（设置 intake.date_order）"),
    (r"(\d+) blank row\(s\) skipped", r"跳过 \1 个空行"),
    (
        r"mixed encodings: (\d+) (\S+) line\(s\) in a (\S+) file",
        r"编码混用：\3 文件中有 \1 行 \2 文本（已隔离）",
    ),
    (r"(\w+): ", r"\1："),
    ("; ", "；"),
)


def format_note(note: str, lang: str) -> str:
    """A file's format note (decimal convention, day/month order ...) in ``lang``."""
    if lang != "zh":
        return note
    for pattern, repl in _FORMAT_ZH:
        note = re.sub(pattern, repl, note)
    return note


def _render_files(report: CheckReport, lang: str) -> list[str]:
    """Columns dropped and conventions found (decimal comma, day/month order), per file."""
    if report.files.empty:
        return []
    rows = [
        [
            r.file,
            _table_name(str(r.table), lang) if r.table else "",
            r.dropped_columns or "–",
            format_note(str(r.note), lang),
        ]
        for r in report.files.itertuples(index=False)
    ]
    heads = ["h_file", "h_table", "h_dropped", "h_note"]
    return ["", _t("files", lang), *_grid([_t(h, lang) for h in heads], rows, "llll")]


def _render_reasons(report: CheckReport, lang: str) -> list[str]:
    lines = [_t("reasons", lang, n=TOP_REASONS)]
    if report.reasons.empty:
        return [*lines, "  " + _t("no_quarantine", lang)]
    lines.append("  " + _t("distinct", lang, n=_int(report.quarantined_rows)))
    rows = [
        [
            _table_name(str(r.table), lang),
            _int(r.rows),
            r.reason,
            _t("example", lang, file=r.file, row=cell_int(r.row)),
        ]
        for r in report.reasons.itertuples(index=False)
    ]
    heads = ["h_table", "h_rows", "h_reason", "h_example"]
    return lines + _grid([_t(h, lang) for h in heads], rows, "lrll")


def _render_notes(report: CheckReport, lang: str) -> list[str]:
    if not report.notes:
        return []
    lines = ["", _t("notes", lang)]
    for n in report.notes:
        lines.append(f"  - {n.get('file', '')}: {n.get(lang) or n.get('en', '')}")
    return lines


def _render_ignored(report: CheckReport, lang: str) -> list[str]:
    if report.ignored.empty:
        return []
    rows = [[r.file, r.note] for r in report.ignored.itertuples(index=False)]
    return ["", _t("ignored", lang), *_grid(["", ""], rows, "ll")[2:]]


def render(report: CheckReport, *, lang: str = "zh") -> str:
    """The report as aligned plain text in ``lang`` (``zh`` or ``en``) for a terminal."""
    lang = i18n.check_lang(lang)
    title = _t("title", lang, name=report.data_name)
    lines = [title, "=" * display_width(title), ""]
    lines += _render_settings(report, lang)
    lines += ["", _t("tables", lang), *_render_tables(report, lang)]
    lines += _render_notes(report, lang)
    lines += _render_files(report, lang)
    lines += ["", *_render_reasons(report, lang)]
    lines += _render_ignored(report, lang)
    lines += _render_sections(report, lang)
    if (report.tables["status"] == "missing").any():
        lines += ["", _t("add_table", lang)]
    lines.append("")
    if report.usable:
        lines.append(_t("ok", lang))
    else:
        lines.append(_t("not_ok", lang, problem=problem_text(report.problem, lang)))
    return "\n".join(lines) + "\n"
