"""One settings object for a run, loaded from YAML with documented defaults.

Nothing in the package reads global state: every function that needs a threshold takes a
:class:`Settings` (or the single value) as an argument. A data folder may carry a
``playbook.yaml``; keys it leaves out keep the defaults below. ``docs/configuration.md``
lists every key.

Every value is checked on load (type, allowed range, known timezone ...): a bad file gives one
:class:`SettingsError` naming the key, the value and what is allowed, never a traceback. The
file is read without YAML alias expansion (:mod:`helpers.safe_yaml`).
"""

from __future__ import annotations

import dataclasses
import datetime
import difflib
import math
import re
import types
import typing
import zoneinfo
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from helpers.notify.config import NotifyConfigError, NotifySettings, build_notify
from helpers.safe_yaml import YamlError, load_yaml_file
from helpers.themes import settings_sections

SETTINGS_FILE = "playbook.yaml"


class SettingsError(ValueError):
    """A settings file or value that cannot be used; the message says which key and why."""


@dataclass(frozen=True)
class Allowed:
    """The range a numeric setting must fall in.

    Attributes
    ----------
    low, high : float or None
        Bounds (None = unbounded on that side).
    low_open : bool
        The low bound itself is excluded (``0 < x``).
    """

    low: float | None = None
    high: float | None = None
    low_open: bool = False

    def text(self) -> str:
        lo = "" if self.low is None else f"{self.low:g}{' (excluded)' if self.low_open else ''}"
        if self.high is None:
            return f"at least {lo}" if not self.low_open else f"more than {self.low:g}"
        return f"from {lo} to {self.high:g}"

    def contains(self, value: float) -> bool:
        if self.low is not None and (value < self.low or (self.low_open and value == self.low)):
            return False
        return self.high is None or value <= self.high


SHARE = Allowed(0, 1, low_open=True)  # a fraction: 0.15 = 15 %
SHARE_OR_ZERO = Allowed(0, 1)
POSITIVE = Allowed(0, 1e6, low_open=True)
DAYS = Allowed(1, 3650)
COUNT = Allowed(1, 1e9)


@dataclass(frozen=True)
class Thresholds:
    """Alert rule parameters (BRIEF defaults).

    Attributes
    ----------
    cvr_below_industry : float
        Alert when CVR < industry mean x (1 - this). 0.20 means "more than 20 % below".
    refund_rate_max : float
        Ceiling of the refund rate: refunds of the orders paid in the last
        ``refund_window_days`` days / those orders, by count or by amount.
    refund_window_days : int
        Window of paid orders whose refunds are counted (近30天 by default).
    refund_rise : float
        The refund rate alerts only when it is also this share above the shop's own rate
        over the windows before (0.2 = 20 % above its usual level), so a shop whose rate has
        always sat above the ceiling is not alarmed every morning.
    ship_sla_hours : float
        Orders paid more than this many hours before the end of the run date and not yet
        shipped are overdue (发货超时).
    consecutive_decline_days : int
        Alert when a metric fell this many days in a row ...
    consecutive_decline_min_drop : float
        ... by at least this share in total (0.10 = the last day is 10 % below the first), so
        that a run of tiny day-to-day dips is not reported.
    ad_swing_z : float
        Alert when ad spend or ROAS deviates from its own trailing pattern by more than this
        many robust standard deviations.
    ad_lookback_days : int
        Length of the trailing window for the ad swing rule.
    return_concentration_share : float
        Alert when one reason or one item holds more than this share of refund requests.
    return_concentration_min_cases : int
        ... and there are at least this many requests in the window (small counts are noise).
    return_window_days : int
        Window for item return rates and concentration.
    item_return_rate_max : float
        Alert when an item's return rate (units returned / units sold) over the window exceeds
        this, with at least ``item_min_units`` units sold.
    item_min_units : int
        Minimum units sold for the item return rule.
    cart_high_pay_low_cart_rate : float
        加购高: an item's add-to-cart rate (cart users / visitors) at least this high ...
    cart_high_pay_low_cvr_ratio : float
        支付低: ... while its CVR is below this share of the shop's CVR.
    cart_min_visitors : int
        Minimum item visitors over the window for the 加购高支付低 rule.
    anomaly_z : float
        Statistical alert when |robust z| of the residual against the seasonal baseline
        exceeds this.
    anomaly_history_days : int
        History used to fit the seasonal baseline.
    incomplete_share : float
        A day is flagged "data possibly incomplete" when every channel's orders and GMV
        are below this share of their usual level (same-weekday / recent median).
    channel_cvr_drop : float
        Channel CVR alert when a channel's CVR on the run date is more than this share below
        its trailing 7-day average.
    channel_min_visitors : int
        Minimum channel visitors on the run date for the channel CVR rule.
    """

    cvr_below_industry: float = 0.20
    refund_rate_max: float = 0.15
    refund_window_days: int = 30
    refund_rise: float = 0.2
    ship_sla_hours: float = 24.0
    consecutive_decline_days: int = 3
    consecutive_decline_min_drop: float = 0.10
    ad_swing_z: float = 3.0
    ad_lookback_days: int = 28
    return_concentration_share: float = 0.5
    return_concentration_min_cases: int = 8
    return_window_days: int = 14
    item_return_rate_max: float = 0.15
    item_min_units: int = 20
    cart_high_pay_low_cart_rate: float = 0.08
    cart_high_pay_low_cvr_ratio: float = 0.5
    cart_min_visitors: int = 200
    anomaly_z: float = 3.5
    anomaly_history_days: int = 84
    incomplete_share: float = 0.35
    channel_cvr_drop: float = 0.35
    channel_min_visitors: int = 300


#: The allowed range of every threshold (checked on load).
THRESHOLD_RANGES: dict[str, Allowed] = {
    "cvr_below_industry": SHARE_OR_ZERO,
    "refund_rate_max": SHARE,
    "refund_window_days": DAYS,
    "refund_rise": SHARE_OR_ZERO,
    "ship_sla_hours": Allowed(0, 24 * 90, low_open=True),
    "consecutive_decline_days": Allowed(2, 365),
    "consecutive_decline_min_drop": SHARE_OR_ZERO,
    "ad_swing_z": POSITIVE,
    "ad_lookback_days": Allowed(7, 3650),
    "return_concentration_share": SHARE,
    "return_concentration_min_cases": COUNT,
    "return_window_days": DAYS,
    "item_return_rate_max": SHARE,
    "item_min_units": COUNT,
    "cart_high_pay_low_cart_rate": SHARE,
    "cart_high_pay_low_cvr_ratio": SHARE,
    "cart_min_visitors": COUNT,
    "anomaly_z": POSITIVE,
    "anomaly_history_days": Allowed(14, 3650),
    "incomplete_share": SHARE,
    "channel_cvr_drop": SHARE,
    "channel_min_visitors": COUNT,
}


@dataclass(frozen=True)
class IntakeSettings:
    """The ``intake:`` section of ``playbook.yaml``: how cell values are read and which
    values are plausible. A row with a value outside these bounds is quarantined (with the
    file, row, column and reason), never read into a figure.

    Attributes
    ----------
    max_amount : float
        Largest plausible money amount in one cell (an order's paid amount, a unit price, a
        refund, a day's ad spend ...), in the shop's currency.
    max_quantity : int
        Largest plausible quantity of one order line or after-sales case (units).
    earliest_date : str
        Earliest plausible date (YYYY-MM-DD); earlier dates (1900-01-01, 0001-01-01 ...)
        are typos or placeholders.
    latest_date : str
        Latest plausible date (YYYY-MM-DD); later dates (9999-12-31 ...) are placeholders.
    decimal : str
        Decimal mark of number cells: ``auto`` (decided per column from its unambiguous
        values, e.g. ``1.234,50`` = decimal comma, ``1,234.50`` = decimal point), ``point``
        or ``comma``.
    date_order : str
        Order of day and month in dates like ``03/11/2026``: ``auto`` (decided per column
        from its unambiguous values such as ``25/10/2026``), ``day_first`` or
        ``month_first``.
    """

    max_amount: float = 100_000_000.0
    max_quantity: int = 1_000_000
    earliest_date: str = "1990-01-01"
    latest_date: str = "2100-12-31"
    decimal: str = "auto"
    date_order: str = "auto"


#: Allowed values of the choice keys of ``intake:``.
INTAKE_CHOICES: dict[str, tuple[str, ...]] = {
    "decimal": ("auto", "point", "comma"),
    "date_order": ("auto", "day_first", "month_first"),
}


@dataclass(frozen=True)
class FactsSettings:
    """The ``facts:`` section of ``playbook.yaml``: which engine scans the orders and order
    lines into the facts (see docs/scaling.md). Every engine gives the same fact tables.

    Attributes
    ----------
    engine : str
        ``duckdb``: the facts are computed by DuckDB inside the run's own process, over the
        cached tables (no server); ``pandas``: the reference implementation; both keep the
        per-day store of closed days, so that a new day of data computes that day only
        (docs/performance.md); ``spark``: the same queries on an Apache Spark session, over
        the tables named in ``spark_tables`` (every build a full one).
    spark_tables : dict
        With ``engine: spark``, where each contract table lives: a table name of the Spark
        catalog (``shop.orders``) or a path of Parquet files (``s3a://bucket/orders/``), e.g.
        ``{orders: shop.orders, order_items: shop.order_lines}``; a table not named here is
        taken from the local data.
    duckdb_memory_limit : str
        With ``engine: duckdb``, the most memory DuckDB's own working set may take
        (``1GB``, ``512MB``, ``4GB``; DuckDB's units). Above it, its joins, group-bys and
        sorts spill to files in the system's temporary folder (removed when the build ends)
        instead of growing: at 5 million order lines ``1GB`` took the build's peak from
        2.6 GB to 1.9 GB at the same speed (docs/performance.md). ``""`` lets DuckDB take
        up to 80% of the machine's memory.
    """

    engine: str = "duckdb"
    spark_tables: dict[str, str] = field(default_factory=dict)
    duckdb_memory_limit: str = "1GB"


#: Allowed values of ``facts.engine``.
FACT_ENGINES = ("duckdb", "pandas", "spark")
#: A memory size as DuckDB reads it: a number and a unit (``1GB``, ``512MB``, ``1.5GiB``).
MEMORY_SIZE = re.compile(r"\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)", re.IGNORECASE)


def _default_sections() -> dict[str, Any]:
    """Every theme's settings at their defaults."""
    return {name: cls() for name, cls in settings_sections().items()}


@dataclass(frozen=True)
class Settings:
    """Everything a run can be configured with.

    Attributes
    ----------
    shop_name : str
        Shown in report titles.
    currency : str
        ISO code of the money columns (CNY, GBP, BRL ...); shown next to amounts.
    timezone : str
        IANA zone the timestamps are in; dates are cut at local midnight.
    language : str
        ``zh`` (default) or ``en`` for report text.
    industry_cvr : float or None
        Industry mean conversion rate (buyers / UV) for the CVR benchmark rule; when None the
        ``market`` table's ``avg_cvr`` is used, and the rule is skipped when neither exists.
    thresholds : Thresholds
        Alert rule parameters.
    intake : IntakeSettings
        How cell values are read and which are plausible (``intake:`` section).
    pii_salt : str
        Secret key for turning buyer nicknames into pseudonymous ids (HMAC-SHA256) at intake.
        Leave it empty (the default) to use this installation's own random key file; set it
        only to share ids between machines, with at least 16 random characters (see
        docs/privacy.md).
    platform_calendar : str
        ``cn``: without a ``promotions`` table, the Chinese platform festivals (618, 双11 ...)
        mark the promo days; ``none``: no festival calendar (a shop outside those platforms).
    sections : dict
        Theme name -> that theme's settings (its own section of ``playbook.yaml``, e.g.
        ``retention:``), for every discovered theme that declares a settings class; read
        them with :meth:`section`.
    notify : NotifySettings
        Where the morning message goes after each batch run (``notify:``, see
        docs/notifications.md).
    facts : FactsSettings
        Which engine computes the facts (``facts:`` section, see docs/scaling.md).
    """

    shop_name: str = "示例店铺"
    currency: str = "CNY"
    timezone: str = "Asia/Shanghai"
    language: str = "zh"
    industry_cvr: float | None = None
    thresholds: Thresholds = field(default_factory=Thresholds)
    intake: IntakeSettings = field(default_factory=IntakeSettings)
    pii_salt: str = ""
    platform_calendar: str = "cn"
    sections: dict[str, Any] = field(default_factory=_default_sections)
    notify: NotifySettings = field(default_factory=NotifySettings)
    facts: FactsSettings = field(default_factory=FactsSettings)

    def section(self, theme: str) -> Any:
        """The settings of theme ``theme`` (its defaults when ``playbook.yaml`` has none).

        Raises ``KeyError`` naming the themes with settings when ``theme`` declares none.
        """
        if theme not in self.sections:
            known = ", ".join(sorted(self.sections)) or "(none)"
            raise KeyError(f"no settings section {theme!r}; themes with settings: {known}")
        return self.sections[theme]

    def replace(self, **changes: Any) -> Settings:
        """Return a copy with some fields changed."""
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def with_hints(self, hints: dict[str, Any] | None) -> Settings:
        """Fill the settings still at their default with what a data source suggests.

        A built-in mapping knows its source's currency, timezone and calendar (the UCI Online
        Retail log is in GBP, UK time, with no Chinese platform festivals); a value set in
        ``playbook.yaml`` or on the command line that differs from the default wins.
        """
        default = Settings()
        known = {f.name for f in dataclasses.fields(self)}
        changes = {
            k: v
            for k, v in (hints or {}).items()
            if k in known and v not in (None, "") and getattr(self, k) == getattr(default, k)
        }
        return validate(self.replace(**changes), "data source settings") if changes else self


#: (dataclass, field) -> the dataclass of a nested mapping in ``playbook.yaml``
_NESTED: dict[tuple[type, str], type] = {
    (Settings, "thresholds"): Thresholds,
    (Settings, "intake"): IntakeSettings,
    (Settings, "facts"): FactsSettings,
}
_CURRENCY_RE = re.compile(r"^[A-Z]{3}$")
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")
#: Longest shop name accepted (it is shown in every title).
MAX_NAME_LENGTH = 100
_CHOICES = {"language": ("zh", "en"), "platform_calendar": ("cn", "none")}


def _show(value: Any) -> str:
    """``repr`` of a bad value, cut to 60 characters."""
    text = repr(value)
    return text if len(text) <= 60 else text[:56] + "...'"


def _bad(where: str, key: str, value: Any, expected: str) -> SettingsError:
    return SettingsError(f"{where}: {key} = {_show(value)} is not allowed: expected {expected}")


def _field_types(annotation: Any) -> tuple[Any, ...]:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return typing.get_args(annotation)
    return (annotation,)


def _coerce(value: Any, annotation: Any, where: str, key: str) -> Any:
    """``value`` checked against a field's type: numbers finite, whole numbers for ``int``
    fields (``3.0`` is accepted as 3), text for ``str`` fields; other types pass."""
    allowed = _field_types(annotation)
    if value is None and type(None) in allowed:
        return None
    is_number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if float in allowed:
        if not is_number or not math.isfinite(value):
            raise _bad(where, key, value, "a number")
        return float(value)
    if int in allowed:
        if not is_number or not math.isfinite(value) or value != int(value):
            raise _bad(where, key, value, "a whole number")
        return int(value)
    if str in allowed and not isinstance(value, str):
        raise _bad(where, key, value, "text (put it in quotes)")
    if bool in allowed and not isinstance(value, bool):
        raise _bad(where, key, value, "true or false")
    return value


def _type_hints(cls: type) -> dict[str, Any]:
    try:
        return typing.get_type_hints(cls)
    except Exception:  # noqa: BLE001 - a theme class with unresolvable hints: no type check
        return {}


def _unknown(where: str, prefix: str, unknown: list[str], known: list[str]) -> SettingsError:
    """An unknown key, with the closest known ones (the list of all is in the docs)."""
    key = unknown[0][:60]
    close = difflib.get_close_matches(key, known, n=3)
    hint = f" (did you mean {' or '.join(prefix + c for c in close)}?)" if close else ""
    more = f" and {len(unknown) - 1} more" if len(unknown) > 1 else ""
    return SettingsError(
        f"{where}: unknown setting {prefix}{key}{more}{hint}; docs/configuration.md lists every key"
    )


def _build(cls: type, values: dict[str, Any], where: str, prefix: str = "") -> Any:
    """Instantiate the dataclass ``cls`` from a mapping; nested dataclass fields recursively.

    Every value is checked against its field's type; the error names ``prefix + key``.
    """
    names = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(str(k) for k in set(values) - set(names))
    if unknown:
        raise _unknown(where, prefix, unknown, list(names))
    hints = _type_hints(cls)
    kwargs: dict[str, Any] = {}
    for key, value in values.items():
        nested = _NESTED.get((cls, key))
        if nested is not None:
            if not isinstance(value, dict):
                raise _bad(where, prefix + key, value, "a mapping of settings (key: value lines)")
            kwargs[key] = _build(nested, value, where, f"{prefix}{key}.")
        else:
            kwargs[key] = _coerce(value, hints.get(key, Any), where, prefix + key)
    try:
        return cls(**kwargs)
    except (TypeError, ValueError) as exc:  # a theme's own __post_init__ checks
        raise SettingsError(f"{where}: {prefix.rstrip('.') or 'settings'}: {exc}") from None


def _check_thresholds(thresholds: Thresholds, where: str) -> None:
    for key, allowed in THRESHOLD_RANGES.items():
        value = getattr(thresholds, key)
        if not allowed.contains(value):
            raise _bad(where, f"thresholds.{key}", value, f"a number {allowed.text()}")


def _check_intake(intake: IntakeSettings, where: str) -> None:
    """The ``intake:`` bounds positive, its dates real days in order, its choices known."""
    if not intake.max_amount > 0:
        raise _bad(where, "intake.max_amount", intake.max_amount, "a number > 0")
    if not intake.max_quantity > 0:
        raise _bad(where, "intake.max_quantity", intake.max_quantity, "a whole number > 0")
    days = []
    for key in ("earliest_date", "latest_date"):
        value = getattr(intake, key)
        try:
            days.append(datetime.date.fromisoformat(value))
        except (TypeError, ValueError):
            raise _bad(where, f"intake.{key}", value, "a date YYYY-MM-DD") from None
    if not (datetime.date(1678, 1, 1) < days[0] < days[1] < datetime.date(2262, 1, 1)):
        raise _bad(
            where,
            "intake.latest_date",
            intake.latest_date,
            "a date after intake.earliest_date, both between 1678 and 2261",
        )
    for key, choices in INTAKE_CHOICES.items():
        if getattr(intake, key) not in choices:
            raise _bad(where, f"intake.{key}", getattr(intake, key), " or ".join(choices))


def _check_facts(facts: FactsSettings, where: str) -> None:
    """``facts.engine`` a known engine; ``facts.spark_tables`` text values by table name."""
    if facts.engine not in FACT_ENGINES:
        raise _bad(where, "facts.engine", facts.engine, " or ".join(FACT_ENGINES))
    tables = facts.spark_tables
    if not isinstance(tables, dict) or not all(
        isinstance(k, str) and isinstance(v, str) and v.strip() for k, v in tables.items()
    ):
        raise _bad(where, "facts.spark_tables", tables, "a mapping of table name: location")
    limit = facts.duckdb_memory_limit
    if not isinstance(limit, str) or not (limit == "" or MEMORY_SIZE.fullmatch(limit.strip())):
        raise _bad(where, "facts.duckdb_memory_limit", limit, "a size such as 1GB or 512MB, or ''")


def with_engine(settings: Settings, engine: str | None) -> Settings:
    """``settings`` with ``facts.engine`` set to ``engine`` (``--engine`` on the command
    line); unchanged when ``engine`` is None. Raises :class:`SettingsError` for an unknown
    engine."""
    if engine is None:
        return settings
    facts = dataclasses.replace(settings.facts, engine=engine)
    return validate(settings.replace(facts=facts), "--engine")


def _check_text(settings: Settings, where: str) -> None:
    name = settings.shop_name
    if not name.strip() or len(name) > MAX_NAME_LENGTH or _CONTROL_RE.search(name):
        raise _bad(
            where,
            "shop_name",
            name,
            f"one line of 1 to {MAX_NAME_LENGTH} characters",
        )
    if not _CURRENCY_RE.match(settings.currency):
        raise _bad(
            where, "currency", settings.currency, "a 3-letter ISO code such as CNY, GBP, BRL"
        )
    for key, choices in _CHOICES.items():
        if getattr(settings, key) not in choices:
            raise _bad(where, key, getattr(settings, key), " or ".join(repr(c) for c in choices))
    try:
        zoneinfo.ZoneInfo(settings.timezone)
    except (ValueError, zoneinfo.ZoneInfoNotFoundError):
        raise _bad(
            where, "timezone", settings.timezone, "an IANA zone such as Asia/Shanghai"
        ) from None


def validate(settings: Settings, where: str = "settings") -> Settings:
    """Check every value of ``settings`` (types, ranges, known timezone); return it unchanged.

    Raises
    ------
    SettingsError
        Naming the first bad key, its value and what is allowed.
    """
    hints = _type_hints(Settings)
    for f in dataclasses.fields(Settings):
        if f.name not in ("thresholds", "intake", "sections", "notify", "facts"):
            _coerce(getattr(settings, f.name), hints[f.name], where, f.name)
    _check_text(settings, where)
    cvr = settings.industry_cvr
    if cvr is not None and not SHARE.contains(cvr):
        raise _bad(where, "industry_cvr", cvr, f"empty or a number {SHARE.text()}")
    _check_thresholds(settings.thresholds, where)
    _check_intake(settings.intake, where)
    _check_facts(settings.facts, where)
    return settings


def _split_sections(values: dict[str, Any], where: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Split the top level of ``playbook.yaml`` into core settings and theme sections."""
    classes = settings_sections()
    core = {k: v for k, v in values.items() if k not in classes and k != "notify"}
    sections: dict[str, Any] = {}
    for name, cls in classes.items():
        raw = values.get(name) or {}
        if not isinstance(raw, dict):
            raise _bad(where, name, raw, "a mapping of settings (key: value lines)")
        sections[name] = _build(cls, raw, where, f"{name}.")
    return core, sections


def _read_file(path: str | Path | None) -> tuple[dict[str, Any], str]:
    """The mapping in the settings file (``{}`` when there is none) and its name."""
    if path is None:
        return {}, "defaults"
    p = Path(path)
    if p.is_dir():
        p = p / SETTINGS_FILE
        if not p.is_file():
            return {}, "defaults"
    if not p.is_file():
        raise FileNotFoundError(f"settings file not found: {p}")
    try:
        loaded = load_yaml_file(p)
    except YamlError as exc:
        raise SettingsError(str(exc)) from None
    if loaded is None:
        return {}, p.name
    if not isinstance(loaded, dict) or not all(isinstance(k, str) for k in loaded):
        raise SettingsError(f"{p.name}: expected a mapping of settings (key: value lines)")
    return loaded, p.name


def load_settings(path: str | Path | None = None, **overrides: Any) -> Settings:
    """Load settings from a YAML file (missing keys keep their defaults) and check them.

    Parameters
    ----------
    path : a YAML file, or a data folder holding ``playbook.yaml``; None for pure defaults.
        A folder without the file also gives defaults.
    **overrides : top-level fields to set after loading (e.g. ``language="en"``); None values
        are ignored so command-line options can be passed straight through.

    Raises
    ------
    SettingsError
        Unreadable YAML (syntax, aliases, unknown tags), unknown keys, or a value of the
        wrong type or out of its range; the message names the key, the value and what is
        allowed.
    """
    values, where = _read_file(path)
    core, sections = _split_sections(values, where)
    try:
        notify = build_notify(values.get("notify"), where)
    except NotifyConfigError as exc:
        raise SettingsError(str(exc)) from None
    settings = _build(Settings, core, where).replace(sections=sections, notify=notify)
    changes = {k: v for k, v in overrides.items() if v is not None}
    if changes:
        settings = settings.replace(**changes)
    return validate(settings, where)
