"""The data check's result and its one entry point, :func:`check_data`."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from helpers.check.sections import sections_frame
from helpers.check.shape import data_shape
from helpers.check.tables import dates_frame, ignored_frame, tables_frame, top_reasons
from helpers.intake import SourceMapping, load_dataset
from helpers.settings import SETTINGS_FILE, Settings

#: Settings shown by the check, in display order.
SHOWN_SETTINGS: tuple[str, ...] = ("shop_name", "currency", "timezone", "language")

SETTINGS_COLUMNS = ("setting", "value", "source")
FILES_COLUMNS = ("file", "table", "dropped_columns", "note")


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
    notes : :attr:`helpers.intake.Dataset.notes`: where the data came from when a reader
        should know it (pseudo-items, refunds derived from an order report, a sub-folder).
    files : ``file, table, dropped_columns, note`` for the files read whose columns were
        dropped or whose note states a convention (decimal comma, day/month order ...).
    quarantine : every quarantined row (``table, file, row, column, value, reason``;
        personal values masked), for ``playbook check --quarantine FILE``.
    quarantined_rows : input rows quarantined, each file row once.
    isolated : ``order_id, stamp``: orders dated far after the rest (typo years), left out
        when the default run date is found.
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
    notes: tuple[dict[str, str], ...] = ()
    files: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=list(FILES_COLUMNS)))
    quarantine: pd.DataFrame = field(default_factory=pd.DataFrame)
    quarantined_rows: int = 0
    isolated: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def exit_code(self) -> int:
        """0 when a run can start, 2 when orders / order lines are not usable."""
        return 0 if self.usable else 2


def _hint_value(value: Any) -> Any:
    if isinstance(value, Mapping) and "value" in value:
        return value["value"]
    if isinstance(value, tuple | list) and value:
        return value[0]
    return value


def settings_frame(
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


def default_run_date(orders: pd.DataFrame | None) -> pd.Timestamp | None:
    """The last complete day in the orders, None when they have no usable timestamps."""
    from helpers.facts import last_complete_day

    if orders is None or not len(orders):
        return None
    try:
        return last_complete_day(orders)
    except ValueError:
        return None


def isolated_orders(orders: pd.DataFrame | None) -> pd.DataFrame:
    """``order_id, stamp`` of the orders dated far after the rest (see
    :func:`helpers.facts.isolated_future`), latest first."""
    from helpers.facts import isolated_future, order_stamps

    if orders is None or not len(orders):
        return pd.DataFrame(columns=["order_id", "stamp"])
    stamps = order_stamps(orders)
    far = isolated_future(stamps)
    out = pd.DataFrame({"order_id": orders.loc[far, "order_id"], "stamp": stamps[far]})
    return out.sort_values("stamp", ascending=False).reset_index(drop=True)


#: Parts of a sources note that state how the cells were read (see helpers.intake.values
#: and helpers.intake.lines): decimal convention, day/month order, blank rows, encodings.
FORMAT_NOTE = re.compile(
    r"^(?:\w+: (?:decimal |day-first|month-first|no row shows)|\d+ blank row|mixed encodings)"
)


def files_frame(sources: pd.DataFrame) -> pd.DataFrame:
    """Files read into a table whose columns were dropped or whose cells needed a convention
    (``note``: only those parts of the sources note, joined with ``; ``)."""
    read = sources.loc[sources["mapping"] != "ignored"].copy()
    read["note"] = [
        "; ".join(dict.fromkeys(p for p in n.split("; ") if FORMAT_NOTE.match(p)))
        for n in read["note"]
    ]
    keep = (read["dropped_columns"] != "") | (read["note"] != "")
    out = read.loc[keep, list(FILES_COLUMNS)].drop_duplicates(["file", "dropped_columns", "note"])
    return out.reset_index(drop=True)


def usability_problem(tables: pd.DataFrame, run_date: pd.Timestamp | None) -> str:
    """Why a run cannot start ("" when it can): ``no_rows:<tables>`` when orders or order
    lines have no accepted row, ``no_dates`` when no run date can be found."""
    status = tables.set_index("table")["status"]
    bad = [t for t in ("orders", "order_items") if status.get(t) != "found"]
    if bad:
        return "no_rows:" + ",".join(bad)
    return "no_dates" if run_date is None else ""


def check_data(
    data_dir: str | Path,
    settings: Settings,
    *,
    mapping: str | Path | SourceMapping | None = None,
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
    root = Path(data_dir)
    ds = load_dataset(root, settings, mapping=mapping, cache_dir=cache_dir)
    tables = tables_frame(ds)
    run_date = default_run_date(ds.tables.get("orders"))
    problem = usability_problem(tables, run_date)
    hints = getattr(ds, "settings_hints", None) or {}
    shape = data_shape(ds, settings, run_date)
    return CheckReport(
        data_name=root.resolve().name or str(root),
        tables=tables,
        dates=dates_frame(ds),
        reasons=top_reasons(ds.quarantine),
        ignored=ignored_frame(ds),
        sections=sections_frame(shape),
        run_date=run_date,
        settings=settings_frame(settings, root, config, hints),
        usable=not problem,
        problem=problem,
        fingerprint=ds.fingerprint,
        from_cache=ds.from_cache,
        notes=tuple(getattr(ds, "notes", ())),
        files=files_frame(ds.sources),
        quarantine=ds.quarantine,
        quarantined_rows=ds.quarantined_rows,
        isolated=isolated_orders(ds.tables.get("orders")),
    )


def write_quarantine(quarantine: pd.DataFrame, path: Path) -> Path:
    """Every quarantined row as a CSV file: ``table, file, row, column, value, reason``.

    ``row`` is the row number a spreadsheet shows (header = row 1). Values from personal
    columns and phone / ID-card numbers in any value are masked
    (:func:`helpers.privacy.mask_quarantine`). UTF-8 with a byte-order mark, so Excel shows
    Chinese text. Returns ``path``.
    """
    from helpers.contract import PERSONAL_FIELDS
    from helpers.privacy import mask_quarantine

    cols = ["table", "file", "row", "column", "value", "reason"]
    q = quarantine if len(quarantine) else pd.DataFrame(columns=cols)
    out = mask_quarantine(q.loc[:, cols], PERSONAL_FIELDS)
    path.parent.mkdir(parents=True, exist_ok=True)
    out.to_csv(path, index=False, encoding="utf-8-sig")
    return path
