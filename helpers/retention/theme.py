"""The retention theme's declaration: its notebook, sections and ``retention:`` settings."""

from __future__ import annotations

from dataclasses import dataclass

from helpers.sections import Section, Theme


@dataclass(frozen=True)
class RetentionSettings:
    """The ``retention:`` section of ``playbook.yaml``.

    Attributes
    ----------
    score_bins : int
        Number of quantile scores for recency, frequency and monetary (5: scores 1..5).
    high_low : str
        How the eight-way segments call a dimension high: ``mean`` (default, the common
        Chinese rule: better than the mean of all customers) or ``median``.
    recency_rule : str
        When R counts as high in the eight-way segments: ``dormant`` (default: not dormant,
        i.e. a purchase within ``dormant_days``), or ``mean`` / ``median`` (more recent than
        the mean / median customer, the textbook rule; with years of history it calls
        customers gone for many months "recent").
    dormant_days : int
        A customer whose last purchase is more than this many days before the run date is
        dormant (沉睡).
    active_base_days : int
        Base of the dormant share (沉睡客户占比): customers whose last purchase is at most
        this many days old; the share is those of them with no purchase in ``dormant_days``.
    high_value_quantile : float
        Active customers whose net spend is at or above this quantile of all customers' net
        spend are high-value; the other active customers are potential.
    repeat_window_days : int
        Window of the repeat-purchase rate (复购率): buyers of the last N days with two or more
        purchases in those N days.
    cohort_months : int
        Number of first-purchase months shown in the cohort heat map (the latest ones).
    winback_rows : int
        Most rows written to the win-back list (highest spend first).
    horizons_days : tuple of int
        Horizons of the predicted customer value, in days.
    holdout_days : int
        Length of the hold-out period of the model check: the model is refitted on the data
        up to ``run_date - holdout_days`` and its predicted repeat purchases are compared
        with the actual ones in the hold-out days.
    min_repeat_buyers : int
        The value model is fitted only when at least this many customers bought again;
        with fewer the report shows historic value only.
    recency_cutoffs : tuple of float
        Configured recency score cut-offs in days, ascending (score = 1 + number of
        cut-offs >= the recency); empty (default) = quantile scores.
    frequency_cutoffs : tuple of float
        Configured frequency score cut-offs in orders, ascending (score = 1 + number of
        cut-offs <= the frequency); empty (default) = quantile scores.
    monetary_cutoffs : tuple of float
        Configured monetary score cut-offs in the shop currency, ascending (score = 1 +
        number of cut-offs <= the net spend); empty (default) = quantile scores.
    dormant_share_rise : float
        Alert when the share of dormant customers is this many percentage points (as a
        fraction: 0.05 = 5 points) above the share a year earlier.
    repeat_rate_fall : float
        Alert when the repeat-purchase rate is this fraction (0.2 = 20 %) below the rate of
        the same window a year earlier.
    """

    score_bins: int = 5
    high_low: str = "mean"
    recency_rule: str = "dormant"
    dormant_days: int = 90
    active_base_days: int = 365
    high_value_quantile: float = 0.8
    repeat_window_days: int = 365
    cohort_months: int = 12
    winback_rows: int = 500
    horizons_days: tuple[int, ...] = (90, 180)
    holdout_days: int = 90
    min_repeat_buyers: int = 30
    recency_cutoffs: tuple[float, ...] = ()
    frequency_cutoffs: tuple[float, ...] = ()
    monetary_cutoffs: tuple[float, ...] = ()
    dormant_share_rise: float = 0.05
    repeat_rate_fall: float = 0.2

    def __post_init__(self) -> None:
        if self.high_low not in ("mean", "median"):
            raise ValueError(
                f"retention.high_low must be 'mean' or 'median', not {self.high_low!r}"
            )
        if self.recency_rule not in ("dormant", "mean", "median"):
            raise ValueError(
                "retention.recency_rule must be 'dormant', 'mean' or 'median', "
                f"not {self.recency_rule!r}"
            )
        if self.score_bins < 2:
            raise ValueError("retention.score_bins must be at least 2")
        if not 0 < self.high_value_quantile < 1:
            raise ValueError("retention.high_value_quantile must be between 0 and 1")
        object.__setattr__(self, "horizons_days", tuple(int(h) for h in self.horizons_days))
        for name in ("recency_cutoffs", "frequency_cutoffs", "monetary_cutoffs"):
            object.__setattr__(self, name, tuple(float(v) for v in getattr(self, name)))

    def cutoffs(self) -> dict[str, tuple[float, ...]]:
        """Configured cut-offs by RFM column (only the dimensions that have some)."""
        pairs = {
            "recency_days": self.recency_cutoffs,
            "frequency": self.frequency_cutoffs,
            "monetary": self.monetary_cutoffs,
        }
        return {k: v for k, v in pairs.items() if v}


THEME = Theme(
    name="retention",
    notebook="04_retention",
    title=("用户留存", "Retention"),
    question=(
        "谁在流失、谁值得挽回、老客还能贡献多少？",
        "Who is slipping away, who is worth winning back, and what are customers worth?",
    ),
    sections=(
        Section("rfm", ("2. RFM 分层", "2. RFM segments")),
        Section("movement", ("3. 分层迁移", "3. Segment movement")),
        Section("cohorts", ("4. 同期群留存", "4. Cohort retention")),
        Section("repeat", ("5. 复购与新老客", "5. Repeat purchase, new and returning")),
        Section(
            "winback",
            ("6. 沉睡客户与召回名单", "6. Dormant customers and win-back list"),
            enriched_by=("products",),
        ),
        Section("tiers", ("7. 会员等级", "7. Member tiers"), needs=("customers",)),
        Section("clv", ("8. 客户终身价值", "8. Customer lifetime value")),
    ),
    settings=RetentionSettings,
    when=(
        "每月一次，或做会员活动、老客召回之前。",
        "Monthly, or before a member campaign or a win-back push.",
    ),
)
