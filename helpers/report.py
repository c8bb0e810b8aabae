"""What a notebook hands back to the batch runner, and safe text for reports.

A themed notebook ends by calling :func:`publish`, which writes a small JSON *sidecar*
``<output_dir>/<name>.summary.json`` next to the executed notebook. The runner reads every
sidecar after the run and merges them into the run's ``summary.json`` and ``index.html``.
When the notebook is opened by hand (``output_dir == ""``) :func:`publish` does nothing.

The JSON is deterministic: keys sorted, floats rounded to 6 decimals, NaN and infinities
written as ``null``, timestamps as ISO strings, non-ASCII text kept as is. The same inputs
therefore give byte-identical files.

This module imports nothing heavy (no pandas at import time) so a notebook can import it
cheaply; DataFrames are recognised by duck typing.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import html
import json
import math
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from helpers import numbers

SIDECAR_SUFFIX = ".summary.json"
FLOAT_DECIMALS = 6

# HTML-significant characters plus the characters Markdown (and Markdown tables) act on.
_ESCAPES = {
    "&": "&amp;",
    "<": "&lt;",
    ">": "&gt;",
    '"': "&quot;",
    "'": "&#x27;",
    "*": "&#42;",
    "_": "&#95;",
    "[": "&#91;",
    "]": "&#93;",
    "|": "&#124;",
    "`": "&#96;",
    "\\": "&#92;",
    "#": "&#35;",
    "~": "&#126;",
    "$": "&#36;",
    # ":" and "@" break Markdown autolinks (a bare URL or e-mail address in a data field
    # would otherwise become a live link to wherever it points).
    ":": "&#58;",
    "@": "&#64;",
}
_ESCAPE_TABLE = str.maketrans(_ESCAPES)


def escape_text(value: Any) -> str:
    """Escape data-derived text for display inside HTML or Markdown.

    Use it for every string that comes from the data (product titles, channel names, alert
    messages, ...) before putting it into ``IPython.display.Markdown``/``HTML`` or a page.

    ``& < > " '`` become HTML entities, and the Markdown-active characters
    ``* _ [ ] | ` \\ # ~ $`` as well as ``:`` and ``@`` (autolinks of bare URLs and e-mail
    addresses) become numeric character references, so the text shows literally in both
    HTML and Markdown (including Markdown table cells), and never as a link.

    Parameters
    ----------
    value : any
        ``None`` and NaN give ``""``; other non-strings are converted with ``str``.
    """
    if value is None:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    return str(value).translate(_ESCAPE_TABLE)


def _clean_float(x: float) -> float | None:
    if math.isnan(x) or math.isinf(x):
        return None
    r = round(x, FLOAT_DECIMALS)
    return 0.0 if r == 0 else r  # no "-0.0"


def to_jsonable(value: Any) -> Any:
    """Convert ``value`` into plain JSON types, deterministically.

    Handles dicts (keys become strings), lists/tuples/sets (sets are sorted), dataclasses,
    numpy scalars and arrays, pandas ``Timestamp``/``NaT``/``NA``, ``datetime``/``date``
    (ISO format; a timestamp at midnight is written as the date alone), DataFrames (list of
    records) and Series (mapping). Floats are rounded to 6 decimals; NaN/inf become None.
    """
    if value is None or isinstance(value, bool | str):
        return value
    if type(value).__name__ in ("NaTType", "NAType"):
        return None
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return _clean_float(value)
    if isinstance(value, _dt.datetime):
        if value.time() == _dt.time(0) and value.tzinfo is None:
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return to_jsonable(dataclasses.asdict(value))
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    if isinstance(value, set | frozenset):
        return sorted((to_jsonable(v) for v in value), key=lambda v: json.dumps(v))
    # pandas / numpy, recognised without importing them
    type_name = type(value).__name__
    if type_name == "DataFrame":
        return [to_jsonable(r) for r in value.to_dict(orient="records")]
    if type_name == "Series":
        return to_jsonable(value.to_dict())
    if hasattr(value, "tolist") and hasattr(value, "dtype"):  # numpy scalar / array
        return to_jsonable(value.tolist())
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    if hasattr(value, "item"):
        return to_jsonable(value.item())
    return str(value)


def dumps(value: Any) -> str:
    """Deterministic JSON text of ``value`` (see :func:`to_jsonable`), ending with a newline."""
    return (
        json.dumps(
            to_jsonable(value), sort_keys=True, ensure_ascii=False, indent=2, allow_nan=False
        )
        + "\n"
    )


def _alerts_records(alerts: Any) -> list[dict[str, Any]]:
    if alerts is None:
        return []
    if type(alerts).__name__ == "DataFrame":
        records = alerts.to_dict(orient="records")
    elif isinstance(alerts, Mapping):
        records = [alerts]
    else:
        records = list(alerts)
    out = []
    for rec in records:
        if dataclasses.is_dataclass(rec) and not isinstance(rec, type):
            rec = dataclasses.asdict(rec)
        out.append(to_jsonable(dict(rec)))
    return out


def _kpis_mapping(kpis: Any) -> dict[str, Any]:
    if kpis is None:
        return {}
    if type(kpis).__name__ == "DataFrame":
        if "metric" in kpis.columns:
            return {
                str(rec.pop("metric")): to_jsonable(rec) for rec in kpis.to_dict(orient="records")
            }
        return to_jsonable(kpis.to_dict(orient="index"))
    return to_jsonable(dict(kpis))


#: The fields of an alert that name the problem (not the day, not the numbers).
ALERT_KEY_FIELDS = ("rule", "scope", "subject", "metric")


def alert_key(alert: Mapping[str, Any]) -> str:
    """A stable key of an alert: ``"<rule>|<scope>|<subject>|<metric>"``.

    No date and no number, so the same problem carries the same key every day (a batch user
    de-duplicates alerts across days with it); a missing field is an empty string, e.g.
    ``"anomaly|shop||gmv"`` or ``"item_return_rate|item|AP0001|item_return_rate"``.
    """
    return "|".join("" if alert.get(k) is None else str(alert.get(k)) for k in ALERT_KEY_FIELDS)


def sidecar_path(output_dir: str | os.PathLike[str], name: str) -> Path:
    """Where :func:`publish` writes the sidecar of notebook ``name``."""
    return Path(output_dir) / f"{name}{SIDECAR_SUFFIX}"


def publish(
    output_dir: str | os.PathLike[str] | None,
    name: str,
    *,
    alerts: Any = None,
    kpis: Any = None,
    quarantined: int | None = None,
    skipped: Any = None,
    extra: Mapping[str, Any] | None = None,
    exports: Any = None,
) -> Path | None:
    """Write this notebook's results for the batch runner.

    Parameters
    ----------
    output_dir : str or None
        The ``output_dir`` notebook parameter. ``""`` or None (interactive use) -> no-op.
    name : str
        The notebook's file stem (``"05_daily_review"``) or the stem without its numeric
        prefix (``"daily_review"``); the runner accepts both.
    alerts : DataFrame, list of dicts/dataclasses, or None
        One record per alert. Useful fields: ``severity`` (high/medium/low), ``rule``,
        ``subject``, ``message``; any other fields are kept.
    kpis : mapping or DataFrame, optional
        ``{metric: {"value": ..., "label": ..., "unit": ..., "vs_prev_day": ...}}``; ``vs_*``
        entries are relative changes as fractions (0.05 = +5 %); with ``"unit": "%"`` the
        value is a fraction shown as a percentage (0.031 -> 3.1 %). A DataFrame with a
        ``metric`` column is turned into that mapping (one row per metric).
    quarantined : int, optional
        Number of input rows set aside by intake.
    skipped : list or mapping, optional
        Sections that could not run and why (e.g. a missing table).
    extra : mapping, optional
        Anything else worth keeping in the run summary.
    exports : list of helpers.exports.Export, optional
        Lists written beside the report (:func:`helpers.exports.export_table`); the index
        page links them.

    Returns
    -------
    Path of the sidecar written, or None when nothing was written.
    """
    if output_dir is None or str(output_dir) == "":
        return None
    if not name or "/" in name or "\\" in name:
        raise ValueError(f"publish: invalid notebook name {name!r}")
    payload = {
        "name": name,
        "alerts": _alerts_records(alerts),
        "kpis": _kpis_mapping(kpis),
        "quarantined": None if quarantined is None else int(quarantined),
        "skipped": to_jsonable(skipped) if skipped is not None else [],
        "extra": to_jsonable(dict(extra)) if extra is not None else {},
        "exports": [to_jsonable(e) for e in exports or [] if e is not None],
    }
    path = sidecar_path(output_dir, name)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(dumps(payload), encoding="utf-8")
    os.replace(tmp, path)
    return path


# --------------------------------------------------------------------------- index pages
_TEXT = {
    "zh": {
        "report": "运营日报",
        "notebooks": "报告",
        "notebook": "报告",
        "status": "状态",
        "seconds": "耗时（秒）",
        "ok": "成功",
        "failed": "失败",
        "error": "错误",
        "kpis": "核心指标",
        "alerts": "告警",
        "no_alerts": "没有告警。",
        "severity": "级别",
        "rule": "规则",
        "subject": "对象",
        "message": "说明",
        "high": "高",
        "medium": "中",
        "low": "低",
        "other": "其他",
        "quarantined": "被隔离的数据行",
        "skipped": "未运行的部分",
        "all_dates": "全部日期",
        "dates": "报告日期",
        "date": "日期",
        "no_report": "（无报告）",
        "exports": "导出清单",
        "rows": "行",
        "vs_prev_day": "较前一日",
        "vs_last_week": "较上周同日",
        "vs_same_weekday": "较上周同日",
        "vs_avg_7d": "较 7 日均值",
        "vs_last_year": "较去年同期",
        "gmv_trend": "近期 GMV 走势",
    },
    "en": {
        "report": "Daily operations report",
        "notebooks": "Reports",
        "notebook": "Report",
        "status": "Status",
        "seconds": "Seconds",
        "ok": "ok",
        "failed": "failed",
        "error": "Error",
        "kpis": "Headline KPIs",
        "alerts": "Alerts",
        "no_alerts": "No alerts.",
        "severity": "Severity",
        "rule": "Rule",
        "subject": "Subject",
        "message": "Message",
        "high": "high",
        "medium": "medium",
        "low": "low",
        "other": "other",
        "quarantined": "Quarantined input rows",
        "skipped": "Sections not run",
        "all_dates": "All dates",
        "dates": "Report dates",
        "date": "Date",
        "no_report": "(no report)",
        "exports": "Lists to act on",
        "rows": "rows",
        "vs_prev_day": "vs previous day",
        "vs_last_week": "vs same weekday last week",
        "vs_same_weekday": "vs same weekday last week",
        "vs_avg_7d": "vs 7-day average",
        "vs_last_year": "vs last year",
        "gmv_trend": "Recent GMV",
    },
}

_CSS = """
body{font-family:-apple-system,"Segoe UI","PingFang SC","Microsoft YaHei","Noto Sans CJK SC",
sans-serif;margin:2rem auto;max-width:1100px;padding:0 1rem;color:#1f2328;line-height:1.5}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.2rem;margin-top:2rem;
border-bottom:1px solid #d0d7de;padding-bottom:.3rem}
table{border-collapse:collapse;width:100%;font-size:.92rem}
th,td{text-align:left;padding:.35rem .6rem;border-bottom:1px solid #eaeef2;vertical-align:top}
th{background:#f6f8fa}td.num{text-align:right;font-variant-numeric:tabular-nums}
.badge{display:inline-block;padding:0 .5rem;border-radius:1rem;font-size:.8rem;color:#fff}
.ok{background:#1a7f37}.failed{background:#cf222e}.high{background:#cf222e}
.medium{background:#bf8700}.low{background:#57606a}.other{background:#8c959f}
.cards{display:flex;flex-wrap:wrap;gap:.8rem}
.card{border:1px solid #d0d7de;border-radius:.5rem;padding:.6rem .9rem;min-width:10rem}
.card .label{color:#57606a;font-size:.85rem}.card .value{font-size:1.4rem;font-weight:600}
.card .delta{font-size:.8rem;color:#57606a}.up{color:#1a7f37}.down{color:#cf222e}
.muted{color:#57606a;font-size:.9rem}.caveat{color:#9a6700}
html[lang="en"] td,html[lang="en"] th,html[lang="en"] .card{word-break:keep-all}.err{color:#cf222e;font-size:.85rem}
"""


def _h(value: Any) -> str:
    """Plain HTML escaping for the index pages (None/NaN -> "")."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return html.escape(str(value), quote=True)


def _t(lang: str) -> dict[str, str]:
    return _TEXT.get(lang, _TEXT["zh"])


def _html_lang(lang: str) -> str:
    return "en" if lang == "en" else "zh-CN"


def _page(lang: str, title: str, body: str) -> str:
    return (
        f'<!DOCTYPE html>\n<html lang="{_html_lang(lang)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_h(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        f"{body}\n</body>\n</html>\n"
    )


def format_number(value: Any, unit: Any = None) -> str:
    """Display form of a KPI value (:func:`helpers.numbers.format_number`), HTML-escaped."""
    if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
        return _h(value) + (f" {_h(unit)}" if unit else "")
    if isinstance(unit, str) and re.fullmatch(r"[A-Z]{3}", unit):  # money: as in the reports
        return _h(numbers.format_value(value, "currency", currency=unit))
    return _h(numbers.format_number(value, unit))


def _format_delta(value: Any, better: Any = "higher", *, rate: Any = None, lang: str = "zh") -> str:
    """A relative change as a signed percentage, green when it is good news.

    ``better`` says which direction is good for the metric: ``higher`` (GMV), ``lower``
    (refund rate) or ``neutral`` (ad spend: no colour). With ``rate`` (the value of a rate
    KPI, a fraction) the change is written in percentage points, ``rate - base`` where
    ``base = rate / (1 + value)``: 21.3% -> 69.9% is ``+48.6 个百分点``, not ``+228.1%``.
    """
    if not isinstance(value, int | float) or isinstance(value, bool):
        return _h(value)
    if math.isnan(value) or math.isinf(value):
        return "–"
    good = value > 0 if better != "lower" else value < 0
    cls = "" if value == 0 or better == "neutral" else ("up" if good else "down")
    if isinstance(rate, int | float) and math.isfinite(rate) and value != -1:
        shown = numbers.format_pp(rate - rate / (1 + value), lang)
        return f'<span class="{cls}">{_h(shown)}</span>'
    return f'<span class="{cls}">{value * 100:+.1f}%</span>'


def _kpi_card(metric: str, spec: Any, lang: str) -> str:
    t = _t(lang)
    if not isinstance(spec, Mapping):
        spec = {"value": spec}
    label = spec.get("label") or metric
    unit = spec.get("unit")
    lines = []
    known = ("vs_prev_day", "vs_last_week", "vs_same_weekday", "vs_avg_7d", "vs_last_year")
    for key in sorted(spec, key=lambda k: (known.index(k) if k in known else len(known), k)):
        if key in ("value", "label", "unit", "order", "better", "last_year_note"):
            continue
        name = _h(t.get(key, key))
        rate = spec.get("value") if unit == "%" else None
        shown = (
            _format_delta(spec[key], spec.get("better", "higher"), rate=rate, lang=lang)
            if key.startswith("vs_")
            else format_number(spec[key])
        )
        if key == "vs_last_year" and spec.get("last_year_note"):  # why there is no change
            shown = f'{shown or "–"} <span class="caveat">({_h(spec["last_year_note"])})</span>'
        lines.append(f'<div class="delta">{name} {shown or "–"}</div>')
    return (
        f'<div class="card"><div class="label">{_h(label)}</div>'
        f'<div class="value">{format_number(spec.get("value"), unit)}</div>'
        f"{''.join(lines)}</div>"
    )


def _order(spec: Any) -> float:
    """A KPI's position on the index page (its ``order`` field; unordered ones last)."""
    if isinstance(spec, Mapping) and isinstance(spec.get("order"), int | float):
        return float(spec["order"])
    return math.inf


def _skipped_text(value: Any) -> str:
    """``{"funnel": ["traffic"], ...}`` -> ``funnel (traffic); ...``, escaped."""
    if isinstance(value, Mapping):
        parts = []
        for section, tables in sorted(value.items()):
            names = ", ".join(map(str, tables)) if isinstance(tables, list | tuple) else tables
            parts.append(f"{_h(section)} ({_h(names)})")
        return "; ".join(parts)
    if isinstance(value, list | tuple):
        return _h(", ".join(map(str, value)))
    return _h(value)


def _severity(alert: Mapping[str, Any]) -> str:
    sev = str(alert.get("severity") or "").lower()
    return sev if sev in ("high", "medium", "low") else "other"


def _exports_html(exports: Mapping[str, Any], lang: str) -> list[str]:
    """The "lists to act on" block of a run index: each export's title, rows and files."""
    t = _t(lang)
    items = []
    for nb_name in sorted(exports):
        for e in exports[nb_name] or []:
            title = e.get("title") or [e.get("name"), e.get("name")]
            caption = title[1] if lang == "en" else title[0]
            links = " · ".join(
                f'<a href="{_h(f)}">{_h(f.rsplit(".", 1)[-1].upper())}</a>'
                for f in e.get("files") or []
            )
            rows = format_number(e.get("rows", 0))
            items.append(f"<li>{_h(caption)} ({rows} {t['rows']}): {links}</li>")
    return [f"<h2>{t['exports']}</h2><ul>{''.join(items)}</ul>"] if items else []


def render_run_index(summary: Mapping[str, Any]) -> str:
    """The ``index.html`` of one run date (self-contained, all data text escaped)."""
    lang = summary.get("lang") or "zh"
    t = _t(lang)
    date = _h(summary.get("run_date"))
    shop = _h(summary.get("shop_name"))
    title = f"{summary.get('shop_name') or ''} {t['report']} · {summary.get('run_date')}"
    parts = [f"<h1>{shop} {t['report']} · {date}</h1>"]
    parts.append(f'<p class="muted"><a href="../index.html">{t["all_dates"]}</a></p>')

    rows = []
    for nb in summary.get("notebooks") or []:
        status = "ok" if nb.get("status") == "ok" else "failed"
        name = _h(nb.get("title") or nb.get("name"))
        link = (
            f'<a href="{_h(nb["report"])}">{name}</a>'
            if nb.get("report")
            else f"{name} {t['no_report']}"
        )
        err = f'<div class="err">{_h(nb["error"])}</div>' if nb.get("error") else ""
        seconds = nb.get("seconds")
        sec = f"{seconds:.1f}" if isinstance(seconds, int | float) else "–"
        rows.append(
            f'<tr><td>{link}{err}</td><td class="muted">{_h(nb.get("name"))}</td>'
            f'<td><span class="badge {status}">{t[status]}</span></td>'
            f'<td class="num">{sec}</td></tr>'
        )
    parts.append(f"<h2>{t['notebooks']}</h2>")
    parts.append(
        f"<table><thead><tr><th>{t['notebook']}</th><th></th><th>{t['status']}</th>"
        f"<th>{t['seconds']}</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )

    parts.extend(_exports_html(summary.get("exports") or {}, lang))

    kpis = summary.get("kpis") or {}
    if kpis:
        parts.append(f"<h2>{t['kpis']}</h2>")
        for nb_name in sorted(kpis):
            metrics = kpis[nb_name]
            if not isinstance(metrics, Mapping):
                continue
            ordered = sorted(metrics, key=lambda m: (_order(metrics[m]), str(m)))
            cards = "".join(_kpi_card(str(m), metrics[m], lang) for m in ordered)
            parts.append(f'<p class="muted">{_h(nb_name)}</p><div class="cards">{cards}</div>')

    alerts = summary.get("alerts") or []
    counts = {k: 0 for k in ("high", "medium", "low", "other")}
    for a in alerts:
        counts[_severity(a)] += 1
    badges = " ".join(
        f'<span class="badge {k}">{t[k]} {v}</span>' for k, v in counts.items() if v or k != "other"
    )
    parts.append(f"<h2>{t['alerts']} ({len(alerts)})</h2><p>{badges}</p>")
    if alerts:
        arows = "".join(
            f'<tr><td><span class="badge {_severity(a)}">{t[_severity(a)]}</span></td>'
            f"<td>{_h(a.get('rule_name') or a.get('rule'))}</td><td>{_h(a.get('subject'))}</td>"
            f"<td>{_h(a.get('message') or a.get('message_' + lang))}</td>"
            f'<td class="muted">{_h(a.get("notebook"))}</td></tr>'
            for a in alerts
        )
        parts.append(
            f"<table><thead><tr><th>{t['severity']}</th><th>{t['rule']}</th>"
            f"<th>{t['subject']}</th><th>{t['message']}</th><th>{t['notebook']}</th></tr>"
            f"</thead><tbody>{arows}</tbody></table>"
        )
    else:
        parts.append(f'<p class="muted">{t["no_alerts"]}</p>')

    parts.append(
        f"<p>{t['quarantined']}: <b>{format_number(summary.get('quarantined_rows', 0))}</b></p>"
    )
    skipped = summary.get("skipped") or {}
    if skipped:
        items = "".join(
            f"<li>{_h(nb)}: {_skipped_text(v)}</li>" for nb, v in sorted(skipped.items())
        )
        parts.append(f"<h2>{t['skipped']}</h2><ul>{items}</ul>")
    return _page(lang, title, "\n".join(parts))


#: How many report dates the root index's GMV sparkline spans (ending at the row's date).
SPARK_DAYS = 14


def summary_gmv(summary: Mapping[str, Any] | None) -> float | None:
    """The day's GMV from a run summary: the ``gmv`` KPI of the first notebook that publishes
    one (the daily review), or None."""
    kpis = (summary or {}).get("kpis") or {}
    for name in sorted(kpis):
        spec = kpis[name].get("gmv") if isinstance(kpis[name], Mapping) else None
        value = spec.get("value") if isinstance(spec, Mapping) else spec
        if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
            return float(value)
    return None


def sparkline(values: list[float | None], *, width: int = 120, height: int = 24) -> str:
    """A small inline SVG line of ``values`` (oldest first; gaps for None), the last point
    marked; ``""`` with fewer than two values. The scale runs from 0 to the largest value, so
    a day at half height sold half as much as the best day."""
    known = [v for v in values if v is not None]
    if len(known) < 2:
        return ""
    top = max(max(known), 1e-9)
    step = width / max(len(values) - 1, 1)

    def xy(i: int, v: float) -> str:
        return f"{i * step:.1f},{height - 2 - (height - 4) * max(v, 0.0) / top:.1f}"

    segments: list[list[str]] = []
    current: list[str] = []
    for i, v in enumerate(values):
        if v is None:
            segments.append(current)
            current = []
        else:
            current.append(xy(i, v))
    segments.append(current)
    lines = "".join(
        f'<polyline fill="none" stroke="#0969da" stroke-width="1.5" points="{" ".join(seg)}"/>'
        for seg in segments
        if len(seg) > 1
    )
    last = len(values) - 1
    dot = "" if values[-1] is None else xy(last, float(values[-1])).split(",")
    mark = f'<circle cx="{dot[0]}" cy="{dot[1]}" r="2" fill="#0969da"/>' if dot else ""
    return (
        f'<svg class="spark" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="GMV">{lines}{mark}</svg>'
    )


def _root_row(date: str, summary: Mapping[str, Any], spark: str, t: dict[str, str]) -> str:
    """One row of the root index: date, notebooks ok/failed, GMV with its sparkline, alerts."""
    nbs = summary.get("notebooks") or []
    ok = sum(1 for nb in nbs if nb.get("status") == "ok")
    failed = len(nbs) - ok
    counts = {k: 0 for k in ("high", "medium", "low", "other")}
    for a in summary.get("alerts") or []:
        counts[_severity(a)] += 1
    status = f'<span class="badge ok">{t["ok"]} {ok}</span> ' + (
        f'<span class="badge failed">{t["failed"]} {failed}</span>' if failed else ""
    )
    alerts = " ".join(f'<span class="badge {k}">{t[k]} {v}</span>' for k, v in counts.items() if v)
    gmv = summary_gmv(summary)
    money = (
        _h(numbers.format_value(gmv, "currency", currency=str(summary.get("currency") or "CNY")))
        if gmv is not None
        else "–"
    )
    d = _h(date)
    return (
        f'<tr><td><a href="{d}/index.html">{d}</a></td><td>{status}</td>'
        f'<td class="num">{money}</td><td>{spark}</td><td>{alerts}</td></tr>'
    )


def render_root_index(entries: list[tuple[str, Mapping[str, Any] | None]]) -> str:
    """The top-level ``index.html``: one row per report date (give them newest first) with
    its notebooks, its GMV and a sparkline of the GMV of the last :data:`SPARK_DAYS` report
    dates up to it, and its alerts by severity."""
    latest = next((s for _, s in entries if s), None) or {}
    lang = latest.get("lang") or "zh"
    t = _t(lang)
    gmv = [summary_gmv(s) for _, s in entries]
    rows = []
    for i, (date, summary) in enumerate(entries):
        recent = gmv[i : i + SPARK_DAYS][::-1]  # entries are newest first
        rows.append(_root_row(date, summary or {}, sparkline(recent), t))
    shop = _h(latest.get("shop_name"))
    body = (
        f"<h1>{shop} {t['dates']}</h1><table><thead><tr><th>{t['date']}</th>"
        f"<th>{t['notebooks']}</th><th>GMV</th><th>{t['gmv_trend']}</th>"
        f"<th>{t['alerts']}</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )
    return _page(lang, f"{latest.get('shop_name') or ''} {t['dates']}", body)
