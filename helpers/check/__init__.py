"""The data check (``playbook check``): what a data folder gives, before anyone waits for a run.

:func:`check_data` validates a data folder once (through the intake cache, so a later run on
the same data reads the validated tables back) and answers, in a :class:`CheckReport`:

* per contract table: found or missing, the files and the mapping that read them, rows read /
  accepted / quarantined, the most frequent quarantine reasons with an example row, and the
  date range of the table's main date column;
* the default run date (the last complete day in the orders) and the shop settings in force
  with where each came from;
* for every notebook, which sections will run, run partly or be skipped and why, and which
  alert rules can be evaluated.

:func:`render` turns the report into aligned plain text (zh or en) for a terminal. Personal
data never appears: the quarantine is summarised by reason and row number only (values are
not shown), and no path beyond the data folder's own name is printed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from helpers import i18n
from helpers.alerts import REGISTRY, Rule, industry_cvr
from helpers.contract import TABLES
from helpers.daily_review.review import SECTION_NEEDS, TREND_METRICS
from helpers.daily_review.theme import THEME as REVIEW_THEME
from helpers.intake import Dataset, load_dataset
from helpers.intake import Mapping as IntakeMapping
from helpers.metrics.kpis import HEADLINE
from helpers.settings import SETTINGS_FILE, Settings

#: Main date column(s) of each contract table, shown as the table's date range.
DATE_COLUMNS: dict[str, tuple[str, ...]] = {
    "orders": ("paid_at", "created_at"),
    "traffic": ("date",),
    "ad_spend": ("date",),
    "inventory": ("date",),
    "after_sales": ("requested_at",),
    "market": ("month",),
    "competitors": ("month",),
}

#: Settings shown by the check, in display order.
SHOWN_SETTINGS: tuple[str, ...] = ("shop_name", "currency", "timezone", "language")

#: Readable names of the daily review's sections, numbered as in the notebook (declared once
#: in :mod:`helpers.daily_review.theme`).
SECTION_NAMES: dict[str, tuple[str, str]] = {s.id: s.heading for s in REVIEW_THEME.sections}

#: What an alert rule may need beyond tables (:attr:`helpers.alerts.Rule.requires`) ->
#: the :class:`DataShape` attribute that says whether the data has it, and the reason code
#: :func:`render` words when it does not.
REQUIREMENTS: dict[str, tuple[str, str]] = {
    "shipped_at": ("has_shipping_times", "no_shipped_at"),
    "industry_cvr": ("industry_cvr", "no_industry_cvr"),
    "item_cart_traffic": ("item_cart_traffic", "no_item_cart"),
    "after_sales_sku": ("after_sales_sku", "no_after_sales_sku"),
    "after_sales_order": ("after_sales_order", "no_after_sales_order"),
}

RUNS, PARTLY, SKIPPED = "runs", "partly", "skipped"
STATUS_ORDER = (RUNS, PARTLY, SKIPPED)

TABLES_COLUMNS = (
    "table",
    "mandatory",
    "status",
    "files",
    "mappings",
    "rows_read",
    "rows_accepted",
    "rows_quarantined",
)
DATES_COLUMNS = ("table", "column", "first", "last")
REASONS_COLUMNS = ("table", "reason", "rows", "file", "row")
SECTIONS_COLUMNS = ("notebook", "kind", "item", "status", "missing", "why")
SETTINGS_COLUMNS = ("setting", "value", "source")
IGNORED_COLUMNS = ("file", "note")

#: How many quarantine reasons are shown per table.
TOP_REASONS = 3
_REASON_CHARS = 60


@dataclass(frozen=True, eq=False)
class CheckReport:
    """The result of :func:`check_data`.

    Attributes
    ----------
    data_name : the data folder's name (never its full path).
    tables : one row per contract table in contract order: ``table, mandatory, status``
        (``found`` / ``empty`` = files found but no row accepted / ``missing``), ``files`` and
        ``mappings`` (tuples, one entry per file), ``rows_read, rows_accepted,
        rows_quarantined`` (0 for missing tables; read = accepted + quarantined).
    dates : ``table, column, first, last``: first and last value of the main date column(s)
        of the present tables (:data:`DATE_COLUMNS`); NaT when the column is empty.
    reasons : ``table, reason, rows, file, row``: the :data:`TOP_REASONS` most frequent
        quarantine reasons per table (the reason up to its first ``:``, values removed), the
        number of rows with that reason and the first such row (file, spreadsheet row).
    ignored : ``file, note``: files in the folder that no table or mapping uses.
    sections : ``notebook, kind, item, status, missing, why``: one row per notebook section
        (``kind`` ``section``) and per alert rule (``kind`` ``alert``); ``status`` is ``runs``
        / ``partly`` / ``skipped``; ``missing`` the contract tables whose absence causes it;
        ``why`` a tuple of reason codes ``(code, *args)`` that :func:`render` words.
    run_date : the default run date (last complete day in the orders), None when the orders
        have no usable timestamps.
    settings : ``setting, value, source`` for :data:`SHOWN_SETTINGS`; ``source`` is the
        settings file name, ``defaults``, ``command line`` or ``data`` (a hint from intake).
    usable : whether orders and order lines have accepted rows and a run date was found, i.e.
        a run can start.
    problem : why the data is not usable ("" when it is).
    fingerprint : the intake fingerprint (the cache key of the validated tables).
    from_cache : whether the validated tables were read from the intake cache.
    """

    data_name: str
    tables: pd.DataFrame
    dates: pd.DataFrame
    reasons: pd.DataFrame
    ignored: pd.DataFrame
    sections: pd.DataFrame
    run_date: pd.Timestamp | None
    settings: pd.DataFrame
    usable: bool
    problem: str = ""
    fingerprint: str = ""
    from_cache: bool = False

    @property
    def exit_code(self) -> int:
        """0 when a run can start, 2 when orders / order lines are not usable."""
        return 0 if self.usable else 2


# --------------------------------------------------------------------------------------------
# Tables, dates and quarantine reasons
# --------------------------------------------------------------------------------------------

_PAREN_END = re.compile(r"\s*\([^()]*\)\s*$")
_QUOTED = re.compile(r"""=?\s*(?:'[^']*'|"[^"]*")""")


def reason_key(reason: str) -> str:
    """The reason of one quarantine clause without its values, for counting.

    ``"unparseable number in paid_amount: '五十九'"`` -> ``"unparseable number in
    paid_amount"``; ``"duplicate key order_id='1' (first seen in f.csv row 2)"`` ->
    ``"duplicate key order_id"``; ``"order_id 'x' not found in accepted orders"`` ->
    ``"order_id not found in accepted orders"``. Longer texts are cut at 60 characters.
    """
    text = _QUOTED.sub("", str(reason).strip())
    text = text.split(":", 1)[0] if ":" in text else _PAREN_END.sub("", text)
    text = " ".join(text.replace(" ,", ",").split()).strip(" ,;")
    if len(text) > _REASON_CHARS:
        text = text[: _REASON_CHARS - 1].rstrip() + "…"
    return text or "?"


def top_reasons(quarantine: pd.DataFrame, *, top: int = TOP_REASONS) -> pd.DataFrame:
    """The ``top`` most frequent quarantine reasons per table with an example row.

    A row with several problems (reasons joined with ``"; "``) counts once under each
    distinct reason. Order: tables in contract order, then rows (descending), then the
    example row. Returns ``table, reason, rows, file, row``.
    """
    if quarantine is None or quarantine.empty:
        return pd.DataFrame(columns=list(REASONS_COLUMNS))
    text = quarantine["reason"].astype(str)
    keys = {  # computed once per distinct reason text
        r: list(dict.fromkeys(reason_key(c) for c in r.split("; ") if c.strip()))
        for r in text.unique()
    }
    long = (
        quarantine.loc[:, ["table", "file", "row"]]
        .assign(reason=text.map(keys))
        .explode("reason")
        .dropna(subset=["reason"])
    )
    long["row"] = long["row"].astype("int64")
    rank = {t: i for i, t in enumerate(TABLES)}
    long["rank"] = long["table"].map(rank).fillna(len(rank))
    long = long.sort_values(["rank", "file", "row"], kind="stable")
    agg = (
        long.groupby(["rank", "table", "reason"], as_index=False, sort=False)
        .agg(rows=("row", "size"), file=("file", "first"), row=("row", "first"))
        .sort_values(["rank", "rows", "file", "row"], ascending=[True, False, True, True])
    )
    agg = agg.groupby("table", sort=False).head(top)
    return agg.loc[:, list(REASONS_COLUMNS)].reset_index(drop=True)


def _tables_frame(ds: Dataset) -> pd.DataFrame:
    src = ds.sources.loc[ds.sources["mapping"] != "ignored"]
    rows = []
    for name, table in TABLES.items():
        mine = src.loc[src["table"] == name]
        accepted = int(mine["rows_accepted"].sum())
        if name not in ds.tables or mine.empty:
            status = "missing"
        else:
            status = "found" if accepted > 0 else "empty"
        rows.append(
            {
                "table": name,
                "mandatory": table.mandatory,
                "status": status,
                "files": tuple(mine["file"]),
                "mappings": tuple(mine["mapping"]),
                "rows_read": int(mine["rows_read"].sum()),
                "rows_accepted": accepted,
                "rows_quarantined": int(mine["rows_quarantined"].sum()),
            }
        )
    return pd.DataFrame(rows, columns=list(TABLES_COLUMNS))


def _dates_frame(ds: Dataset) -> pd.DataFrame:
    rows = []
    for name, cols in DATE_COLUMNS.items():
        if name not in ds.tables:
            continue
        frame = ds.tables[name]
        for col in cols:
            s = pd.to_datetime(frame[col], errors="coerce") if col in frame else pd.Series()
            s = s.dropna()
            rows.append(
                {
                    "table": name,
                    "column": col,
                    "first": s.min() if len(s) else pd.NaT,
                    "last": s.max() if len(s) else pd.NaT,
                }
            )
    out = pd.DataFrame(rows, columns=list(DATES_COLUMNS))
    for c in ("first", "last"):
        out[c] = pd.to_datetime(out[c])
    return out


def _ignored_frame(ds: Dataset) -> pd.DataFrame:
    ign = ds.sources.loc[ds.sources["mapping"] == "ignored", ["file", "note"]]
    return ign.reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# Settings and where they came from
# --------------------------------------------------------------------------------------------


def _hint_value(value: Any) -> Any:
    if isinstance(value, Mapping) and "value" in value:
        return value["value"]
    if isinstance(value, tuple | list) and value:
        return value[0]
    return value


def _settings_frame(
    settings: Settings,
    data_dir: Path,
    config: str | Path | None,
    hints: Mapping[str, Any],
) -> pd.DataFrame:
    """Value and source of each shown setting.

    Precedence, as the settings are loaded: a value given by the caller (``--lang``) over
    the settings file over a hint the data gave (``Dataset.settings_hints``) over the
    defaults.
    """
    file = Path(config) if config else data_dir / SETTINGS_FILE
    if file.is_dir():
        file = file / SETTINGS_FILE
    loaded: dict[str, Any] = {}
    if file.is_file():
        try:
            raw = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
            loaded = raw if isinstance(raw, dict) else {}
        except (OSError, yaml.YAMLError):
            loaded = {}
    defaults = Settings()
    rows = []
    for name in SHOWN_SETTINGS:
        value = getattr(settings, name)
        default = getattr(defaults, name)
        if name in loaded and loaded[name] == value:
            source = file.name
        elif value != default and (name not in loaded or loaded[name] != value):
            source = "command line"
        elif name in hints and _hint_value(hints[name]) not in (None, ""):
            value, source = _hint_value(hints[name]), "data"
        else:
            source = "defaults"
        rows.append({"setting": name, "value": str(value), "source": source})
    return pd.DataFrame(rows, columns=list(SETTINGS_COLUMNS))


# --------------------------------------------------------------------------------------------
# Notebook sections and alert rules
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DataShape:
    """What the sections depend on, read off the validated data once.

    Attributes
    ----------
    have : contract tables present.
    usable : orders and order lines usable (see :class:`CheckReport`).
    history_days : days from the first order day to the run date (inclusive), None without
        a run date.
    has_shipping_times : whether any order carries ``shipped_at``.
    industry_cvr : whether an industry CVR exists (``settings.industry_cvr`` or market).
    item_cart_traffic : whether traffic has item rows with add-to-cart users.
    after_sales_sku : whether after-sales cases name the item (``sku_id``).
    after_sales_order : whether after-sales cases name their order (``order_id``); credit
        notes that name none cannot be matched to sales for item return rates.
    settings : the run's settings (thresholds).
    """

    have: frozenset[str]
    usable: bool
    history_days: int | None
    has_shipping_times: bool
    industry_cvr: bool
    item_cart_traffic: bool
    after_sales_sku: bool
    settings: Settings
    after_sales_order: bool = True


def _filled(frame: pd.DataFrame | None, col: str) -> bool:
    return frame is not None and col in frame and bool(frame[col].notna().any())


def data_shape(ds: Dataset, settings: Settings, run_date: pd.Timestamp | None) -> DataShape:
    """Read off ``ds`` what decides whether a section or rule runs (see :class:`DataShape`)."""
    tables = ds.tables
    orders = tables.get("orders")
    history = None
    if run_date is not None and orders is not None and len(orders):
        stamps = [pd.to_datetime(orders[c]).min() for c in ("created_at", "paid_at")]
        stamps = [s for s in stamps if pd.notna(s)]
        if stamps:
            history = max(0, int((run_date - min(stamps).normalize()).days) + 1)
    traffic = tables.get("traffic")
    item_cart = False
    if traffic is not None and len(traffic):
        item_rows = traffic.loc[traffic["sku_id"].notna()]
        item_cart = _filled(item_rows, "visitors") and _filled(item_rows, "add_to_cart_users")
    when = run_date if run_date is not None else pd.Timestamp.max
    ind, _ = industry_cvr(settings, tables.get("market"), when)
    usable = bool(
        run_date is not None
        and orders is not None
        and len(orders)
        and len(tables.get("order_items", ()))
    )
    return DataShape(
        have=frozenset(ds.available),
        usable=usable,
        history_days=history,
        has_shipping_times=_filled(orders, "shipped_at"),
        industry_cvr=ind is not None and ind > 0,
        item_cart_traffic=item_cart,
        after_sales_sku=_filled(tables.get("after_sales"), "sku_id"),
        after_sales_order=_filled(tables.get("after_sales"), "order_id"),
        settings=settings,
    )


def _row(notebook: str, kind: str, item: str, missing: tuple[str, ...], why: list, partly=False):
    if not why:
        status = RUNS
    elif partly:
        status = PARTLY
    else:
        status = SKIPPED
    return {
        "notebook": notebook,
        "kind": kind,
        "item": item,
        "status": status,
        "missing": tuple(missing),
        "why": tuple(why),
    }


def _lacking(tables: tuple[str, ...], shape: DataShape) -> tuple[str, ...]:
    """The tables among ``tables`` that are absent, in contract order."""
    rank = {t: i for i, t in enumerate(TABLES)}
    return tuple(sorted({t for t in tables if t not in shape.have}, key=lambda t: rank.get(t, 99)))


def _history(shape: DataShape, need: int) -> list[tuple]:
    if shape.history_days is not None and shape.history_days < need:
        return [("history", need, shape.history_days)]
    return []


def _rule_gaps(rule: Rule, shape: DataShape) -> list[tuple]:
    """Why ``rule`` cannot run on data of this shape, beyond missing tables: the first of
    its :attr:`~helpers.alerts.Rule.requires` the data lacks, else too short a history."""
    for need in rule.requires:
        attr, code = REQUIREMENTS[need]
        if not getattr(shape, attr):
            return [(code,)]
    days = rule.history_days(shape.settings.thresholds)
    return [] if days is None else _history(shape, days)


def alert_rule_status(rule: str, shape: DataShape) -> dict[str, Any]:
    """Whether alert ``rule`` can be evaluated on data of this shape (one sections row).

    Read off the rule's declaration in :data:`helpers.alerts.REGISTRY`: the tables it
    ``needs``, then the data it ``requires`` (:data:`REQUIREMENTS`) and its ``min_history``;
    the tables it is ``enriched_by`` only add metrics (status ``partly`` without them).
    """
    declared = REGISTRY[rule]
    missing = _lacking(declared.needs, shape)
    why: list[tuple] = [("table", t) for t in missing]
    if not why:
        why = _rule_gaps(declared, shape)
    if why:
        return _row("", "alert", rule, missing, why)
    extra = _lacking(declared.enriched_by, shape)
    return _row("", "alert", rule, extra, [("table", t) for t in extra], partly=True)


def daily_review_sections(shape: DataShape) -> list[dict[str, Any]]:
    """Sections rows of the daily review: its sections (:data:`SECTION_NEEDS`) then its
    alert rules (:data:`helpers.alerts.REGISTRY`, report order), as
    ``helpers.daily_review.review.build_review`` decides them."""
    rows = []
    rules = [alert_rule_status(r.id, shape) for r in REGISTRY.in_report_order()]
    for section, needs in SECTION_NEEDS.items():
        missing = _lacking(needs, shape)
        why: list[tuple] = [("table", t) for t in missing]
        partly = False
        if why and section == "split":  # without traffic: GMV = buyers x 客单价 instead
            partly = True
        elif not why and section == "shipping" and not shape.has_shipping_times:
            why = [("no_shipped_at",)]
        elif not why and section == "kpis":
            missing = _lacking(tuple(n for _, _, n in HEADLINE if n), shape)
            why, partly = [("table", t) for t in missing], True
        elif not why and section == "trends":
            missing = _lacking(tuple(n for n in TREND_METRICS.values() if n), shape)
            why, partly = [("table", t) for t in missing], True
        elif not why and section == "alerts":
            not_run = [r for r in rules if r["status"] != RUNS]
            missing = _lacking(tuple(t for r in not_run for t in r["missing"]), shape)
            why = [("table", t) for t in missing]
            if not_run and len(missing) == 0:
                why = [("see_rules",)]
            elif not_run and any(w[0] != "table" for r in not_run for w in r["why"]):
                why.append(("see_rules",))
            partly = True
        rows.append(_row("", "section", section, missing, why, partly=partly))
    return rows + rules


#: Notebook (name without its numeric prefix) -> its sections rows for a data shape.
NOTEBOOK_SECTIONS: dict[str, Callable[[DataShape], list[dict[str, Any]]]] = {
    "daily_review": daily_review_sections,
}


def _notebook_names() -> list[str]:
    """Every notebook of the repository (short names), else the described ones."""
    try:
        from helpers.runner import default_notebooks_dir, discover_notebooks, short_name

        found = [short_name(p.stem) for p in discover_notebooks(default_notebooks_dir())]
    except (OSError, ValueError):
        found = []
    return found or list(NOTEBOOK_SECTIONS)


def sections_frame(shape: DataShape, notebooks: list[str] | None = None) -> pd.DataFrame:
    """Sections rows of every notebook (see :attr:`CheckReport.sections`)."""
    rows: list[dict[str, Any]] = []
    for nb in notebooks if notebooks is not None else _notebook_names():
        builder = NOTEBOOK_SECTIONS.get(nb)
        if not shape.usable:
            rows.append(_row(nb, "notebook", "", (), [("unusable",)]) | {"notebook": nb})
            continue
        if builder is None:
            rows.append(_row(nb, "notebook", "", (), []) | {"notebook": nb})
            continue
        for r in builder(shape):
            rows.append(r | {"notebook": nb})
    return pd.DataFrame(rows, columns=list(SECTIONS_COLUMNS))


# --------------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------------


def check_data(
    data_dir: str | Path,
    settings: Settings,
    *,
    mapping: str | Path | IntakeMapping | None = None,
    cache_dir: str | Path | bool | None = None,
    config: str | Path | None = None,
) -> CheckReport:
    """Check a data folder: what every table gives and what every notebook will show.

    Parameters
    ----------
    data_dir : the data folder (as for ``playbook run --data``).
    settings : the settings a run would use (``load_settings(config or data_dir, ...)``).
    mapping : a mapping YAML file or built-in mapping name for platform exports; None
        detects among the built-in mappings (as a run does).
    cache_dir : intake cache folder; None for the intake default, False for none. The
        validated tables are cached there, keyed on the inputs, so a run using the same
        cache folder reads them back instead of parsing again.
    config : the settings file ``settings`` came from (None = ``playbook.yaml`` in the data
        folder); only used to tell where each shown setting came from.

    Returns
    -------
    CheckReport

    Raises
    ------
    IntakeError
        Nothing usable: the folder does not exist, has no orders / order lines, or a file
        cannot be read (the message names the file and what to fix).
    """
    from helpers.facts import last_complete_day

    root = Path(data_dir)
    ds = load_dataset(root, settings, mapping=mapping, cache_dir=cache_dir)
    tables = _tables_frame(ds)
    run_date: pd.Timestamp | None = None
    problem = ""
    orders = ds.tables.get("orders")
    try:
        run_date = last_complete_day(orders) if orders is not None and len(orders) else None
    except ValueError:
        run_date = None
    status = tables.set_index("table")["status"]
    bad = [t for t in ("orders", "order_items") if status.get(t) != "found"]
    if bad:
        problem = "no_rows:" + ",".join(bad)
    elif run_date is None:
        problem = "no_dates"
    hints = getattr(ds, "settings_hints", None) or {}
    shape = data_shape(ds, settings, run_date)
    return CheckReport(
        data_name=root.resolve().name or str(root),
        tables=tables,
        dates=_dates_frame(ds),
        reasons=top_reasons(ds.quarantine),
        ignored=_ignored_frame(ds),
        sections=sections_frame(shape),
        run_date=run_date,
        settings=_settings_frame(settings, root, config, hints),
        usable=not problem,
        problem=problem,
        fingerprint=ds.fingerprint,
        from_cache=ds.from_cache,
    )


# --------------------------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------------------------

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


def _why_text(why: tuple, lang: str) -> str:
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
        parts.append(text)
    return ("；" if lang == "zh" else "; ").join(parts)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _pad(text: str, width: int, align: str) -> str:
    gap = " " * max(0, width - _width(text))
    return gap + text if align == "r" else text + gap


def _grid(headers: list[str], rows: list[list[Any]], aligns: str, indent: str = "  ") -> list[str]:
    """Aligned columns; a cell may be a list of lines (continuation lines below)."""
    cells = [[c if isinstance(c, list) else [str(c)] for c in r] for r in rows]
    widths = [_width(h) for h in headers]
    for r in cells:
        for i, c in enumerate(r):
            widths[i] = max(widths[i], *(_width(x) for x in c))
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
        name = _table_name(r.table, lang) + (" *" if r.mandatory else "")
        found = r.status != "missing"
        d = dates.loc[dates["table"] == r.table]
        span = [
            f"{x.column} {_day(x.first)} – {_day(x.last)}" if pd.notna(x.first) else f"{x.column} –"
            for x in d.itertuples(index=False)
        ]
        files = [
            f"{f} ({_t('contract', lang) if m == 'contract' else m})"
            for f, m in zip(r.files, r.mappings, strict=False)
        ]
        rows.append(
            [
                name,
                _t(r.status, lang),
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
                [[_t("whole", lang), _t(r["status"], lang), _why_text(r["why"], lang)]],
                "lll",
            )
            continue
        for kind, title, head in parts:
            rows = mine.loc[mine["kind"] == kind]
            if rows.empty:
                continue
            table = []
            for r in rows.itertuples(index=False):
                if kind == "section":
                    pair = SECTION_NAMES.get(r.item, (r.item, r.item))
                else:
                    pair = REGISTRY[r.item].name if r.item in REGISTRY else (r.item, r.item)
                label = pair[0] if lang == "zh" else pair[1]
                table.append([label, _t(r.status, lang), _why_text(r.why, lang)])
            out += ["", _t(title, lang, name=nb)]
            out += _grid([_t(head, lang), _t("h_status", lang), _t("h_why", lang)], table, "lll")
    return out


def render(report: CheckReport, *, lang: str = "zh") -> str:
    """The report as aligned plain text in ``lang`` (``zh`` or ``en``) for a terminal."""
    lang = i18n.check_lang(lang)
    title = _t("title", lang, name=report.data_name)
    lines = [title, "=" * _width(title), "", _t("settings", lang)]
    srows = []
    for r in report.settings.itertuples(index=False):
        key = f"src_{r.source}"
        source = _t(key, lang) if key in _TEXT else r.source
        srows.append([_t(r.setting, lang), r.value, source])
    lines += [ln for ln in _grid(["", "", ""], srows, "lll")[2:]]
    lines.append("")
    if report.run_date is not None:
        lines.append(_t("run_date", lang, day=_day(report.run_date)))
    else:
        lines.append(_t("no_run_date", lang))
    lines += ["", _t("tables", lang)]
    lines += _render_tables(report, lang)
    lines += ["", _t("reasons", lang, n=TOP_REASONS)]
    if report.reasons.empty:
        lines.append("  " + _t("no_quarantine", lang))
    else:
        rows = [
            [
                _table_name(r.table, lang),
                _int(r.rows),
                r.reason,
                _t("example", lang, file=r.file, row=int(r.row)),
            ]
            for r in report.reasons.itertuples(index=False)
        ]
        heads = ["h_table", "h_rows", "h_reason", "h_example"]
        lines += _grid([_t(h, lang) for h in heads], rows, "lrll")
    if not report.ignored.empty:
        lines += ["", _t("ignored", lang)]
        lines += [
            ln
            for ln in _grid(
                ["", ""], [[r.file, r.note] for r in report.ignored.itertuples(index=False)], "ll"
            )[2:]
        ]
    lines += _render_sections(report, lang)
    if (report.tables["status"] == "missing").any():
        lines += ["", _t("add_table", lang)]
    lines.append("")
    if report.usable:
        lines.append(_t("ok", lang))
    else:
        lines.append(_t("not_ok", lang, problem=problem_text(report.problem, lang)))
    return "\n".join(lines) + "\n"


__all__ = [
    "REQUIREMENTS",
    "DATE_COLUMNS",
    "NOTEBOOK_SECTIONS",
    "SECTION_NAMES",
    "CheckReport",
    "DataShape",
    "alert_rule_status",
    "check_data",
    "daily_review_sections",
    "data_shape",
    "problem_text",
    "reason_key",
    "render",
    "sections_frame",
    "top_reasons",
]
