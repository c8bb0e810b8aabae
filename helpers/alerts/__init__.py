"""Alerts: the methodology's rules, the statistical check and the next actions.

- :mod:`helpers.alerts.base`: the alert types, the rule context and the rule registry.
- :mod:`helpers.alerts.rules`: the fixed-threshold rules and :func:`collect_alerts`.
- :mod:`helpers.alerts.anomaly`: each daily series against its own seasonal baseline.
- :mod:`helpers.alerts.actions`: what to do next for each alert.
- :mod:`helpers.alerts.catalog`: docs/alerts.md, generated from the registry.

Importing this package registers every rule in :data:`REGISTRY`.
"""

from helpers.alerts.actions import ACTION_COLUMNS, next_actions
from helpers.alerts.anomaly import anomaly_alerts, baseline_for_chart, seasonal_baseline
from helpers.alerts.base import (
    ALERT_COLUMNS,
    REGISTRY,
    ActionText,
    Alert,
    AlertReport,
    Findings,
    Rule,
    RuleContext,
    Skip,
    robust_z,
    rule_context,
)
from helpers.alerts.rules import alerts_frame, collect_alerts, industry_cvr, rule_alerts

__all__ = [
    "ACTION_COLUMNS",
    "ALERT_COLUMNS",
    "REGISTRY",
    "ActionText",
    "Alert",
    "AlertReport",
    "Findings",
    "Rule",
    "RuleContext",
    "Skip",
    "alerts_frame",
    "anomaly_alerts",
    "baseline_for_chart",
    "collect_alerts",
    "industry_cvr",
    "next_actions",
    "robust_z",
    "rule_alerts",
    "rule_context",
    "seasonal_baseline",
]
