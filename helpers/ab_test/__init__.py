"""A/B tests (A/B 测试), notebook ``06_ab_test``: the design of a test (sample size and
duration from the shop's traffic) and the reading of finished or running tests from the
``experiments`` table (conversion, revenue per visitor, sample-ratio mismatch, guardrails and a
plain-language verdict).

Modules: :mod:`.design` (sample size and duration), :mod:`.analysis` (the statistical tests),
:mod:`.verdict` (one experiment read end to end), :mod:`.charts`, :mod:`.theme`.
"""

from helpers.ab_test.analysis import conversion_test, ratio_check, revenue_test, totals
from helpers.ab_test.design import Design, sample_size, traffic_baseline
from helpers.ab_test.verdict import Reading, read_all, read_experiment

__all__ = [
    "Design",
    "Reading",
    "conversion_test",
    "ratio_check",
    "read_all",
    "read_experiment",
    "revenue_test",
    "sample_size",
    "totals",
    "traffic_baseline",
]
