"""The A/B test theme's declaration: its notebook, sections and ``ab_test:`` settings."""

from __future__ import annotations

from dataclasses import dataclass

from helpers.sections import Section, Theme


@dataclass(frozen=True)
class AbTestSettings:
    """The ``ab_test:`` section of ``playbook.yaml``.

    Attributes
    ----------
    control : str
        Name of the control variant in the experiments table; every other variant of the
        same experiment is compared with it.
    min_lift : float
        Minimum detectable relative lift of the conversion rate the test is planned for
        (0.1 = +10 %); sets the planned sample.
    alpha : float
        Two-sided significance level of the conversion test and the sample-size plan.
    power : float
        Chance the planned test detects a true lift of ``min_lift``.
    treatment_share : float
        Planned share of visitors in the treatment (0.5 = even split); an experiment's
        ``planned_share`` column overrides it. The sample-ratio check tests against it.
    srm_threshold : float
        The split counts as broken (sample-ratio mismatch, the verdict is blocked) when the
        chi-square p-value is below this.
    refund_tolerance : float
        Guardrail: do not ship when the treatment's refund rate is more than this many
        points (as a fraction: 0.02 = 2 points) above the control's.
    design_days : int
        Days of the shop's traffic averaged for the design section's baseline CVR and
        visitors per day.
    design_channel : str
        Plan the test on one channel's traffic (a ``traffic.channel`` value such as 搜索):
        its CVR and visitors per day; empty (default) = the whole shop.
    """

    control: str = "control"
    min_lift: float = 0.1
    alpha: float = 0.05
    power: float = 0.8
    treatment_share: float = 0.5
    srm_threshold: float = 0.001
    refund_tolerance: float = 0.02
    design_days: int = 28
    design_channel: str = ""

    def __post_init__(self) -> None:
        if not 0 < self.treatment_share < 1:
            raise ValueError("ab_test.treatment_share must be between 0 and 1")
        if not 0 < self.alpha < 1 or not 0 < self.power < 1:
            raise ValueError("ab_test.alpha and ab_test.power must be between 0 and 1")


THEME = Theme(
    name="ab_test",
    notebook="06_ab_test",
    title=("A/B 测试", "A/B tests"),
    question=(
        "这个改动该不该上线？测试要跑多久？",
        "Should this change ship, and how long must the test run?",
    ),
    sections=(
        Section("design", ("1. 测试设计：样本量与时长", "1. Design: sample size and duration")),
        Section("results", ("2. 实验结果", "2. Results"), needs=("experiments",)),
        Section("verdict", ("3. 结论", "3. Verdict"), needs=("experiments",)),
    ),
    settings=AbTestSettings,
    when=(
        "改主图、价格或详情页之前（设计测试）和测试期间（读结果）。",
        "Before changing a main image, price or detail page (design the test) and while it runs (read it).",
    ),
)
