"""One settings object for a run, loaded from YAML with documented defaults.

Nothing in the package reads global state: every function that needs a threshold takes a
:class:`Settings` (or the single value) as an argument. A data folder may carry a
``playbook.yaml``; keys it leaves out keep the defaults below. ``docs/configuration.md``
lists every key.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from helpers.themes import settings_sections

SETTINGS_FILE = "playbook.yaml"


@dataclass(frozen=True)
class Thresholds:
    """Alert rule parameters (BRIEF defaults).

    Attributes
    ----------
    cvr_below_industry : float
        Alert when CVR < industry mean x (1 - this). 0.20 means "more than 20 % below".
    refund_rate_max : float
        Alert when the refund rate (refund requests / paid orders, count basis) exceeds it.
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
    channel_cvr_drop : float
        Channel CVR alert when a channel's CVR on the run date is more than this share below
        its trailing 7-day average.
    channel_min_visitors : int
        Minimum channel visitors on the run date for the channel CVR rule.
    """

    cvr_below_industry: float = 0.20
    refund_rate_max: float = 0.15
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
    channel_cvr_drop: float = 0.35
    channel_min_visitors: int = 300


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
    pii_salt : str
        Salt for hashing buyer nicknames into pseudonymous ids at intake.
    platform_calendar : str
        ``cn``: without a ``promotions`` table, the Chinese platform festivals (618, 双11 ...)
        mark the promo days; ``none``: no festival calendar (a shop outside those platforms).
    sections : dict
        Theme name -> that theme's settings (its own section of ``playbook.yaml``, e.g.
        ``retention:``), for every discovered theme that declares a settings class; read
        them with :meth:`section`.
    """

    shop_name: str = "示例店铺"
    currency: str = "CNY"
    timezone: str = "Asia/Shanghai"
    language: str = "zh"
    industry_cvr: float | None = None
    thresholds: Thresholds = field(default_factory=Thresholds)
    pii_salt: str = "playbook"
    platform_calendar: str = "cn"
    sections: dict[str, Any] = field(default_factory=_default_sections)

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
        return self.replace(**changes) if changes else self


#: (dataclass, field) -> the dataclass of a nested mapping in ``playbook.yaml``
_NESTED: dict[tuple[type, str], type] = {(Settings, "thresholds"): Thresholds}


def _build(cls: type, values: dict[str, Any], where: str) -> Any:
    """Instantiate the dataclass ``cls`` from a mapping; nested dataclass fields recursively."""
    names = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(values) - set(names))
    if unknown:
        raise ValueError(
            f"{where}: unknown setting(s) {', '.join(unknown)}; known: {', '.join(names)}"
        )
    kwargs: dict[str, Any] = {}
    for key, value in values.items():
        nested = _NESTED.get((cls, key))
        if nested is not None:
            if not isinstance(value, dict):
                raise ValueError(f"{where}: '{key}' must be a mapping")
            kwargs[key] = _build(nested, value, f"{where} {key}")
        else:
            kwargs[key] = value
    return cls(**kwargs)


def _split_sections(values: dict[str, Any], where: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Split the top level of ``playbook.yaml`` into core settings and theme sections."""
    classes = settings_sections()
    core = {k: v for k, v in values.items() if k not in classes}
    sections: dict[str, Any] = {}
    for name, cls in classes.items():
        raw = values.get(name) or {}
        if not isinstance(raw, dict):
            raise ValueError(f"{where}: '{name}' must be a mapping of settings")
        sections[name] = _build(cls, raw, f"{where} {name}")
    return core, sections


def load_settings(path: str | Path | None = None, **overrides: Any) -> Settings:
    """Load settings from a YAML file (missing keys keep their defaults).

    Parameters
    ----------
    path : a YAML file, or a data folder holding ``playbook.yaml``; None for pure defaults.
        A folder without the file also gives defaults.
    **overrides : top-level fields to set after loading (e.g. ``language="en"``); None values
        are ignored so command-line options can be passed straight through.
    """
    values: dict[str, Any] = {}
    where = "defaults"
    if path is not None:
        p = Path(path)
        if p.is_dir():
            p = p / SETTINGS_FILE
        if p.is_file():
            where = str(p.name)
            loaded = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
            if not isinstance(loaded, dict):
                raise ValueError(f"{p.name}: expected a mapping of settings at the top level")
            values.update(loaded)
        elif path is not None and not Path(path).is_dir():
            raise FileNotFoundError(f"settings file not found: {p}")
    core, sections = _split_sections(values, where)
    settings = _build(Settings, core, where).replace(sections=sections)
    changes = {k: v for k, v in overrides.items() if v is not None}
    if changes:
        settings = settings.replace(**changes)
    if settings.platform_calendar not in ("cn", "none"):
        raise ValueError(
            f"{where}: platform_calendar must be 'cn' or 'none', not {settings.platform_calendar!r}"
        )
    if settings.language not in ("zh", "en"):
        raise ValueError(f"{where}: language must be 'zh' or 'en', not {settings.language!r}")
    return settings
