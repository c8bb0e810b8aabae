"""Alerts: the methodology's rules, the statistical check and the next actions.

- :mod:`helpers.alerts.rules`: the rule alerts and the report of both kinds.
- :mod:`helpers.alerts.anomaly`: each daily series against its own seasonal baseline.
- :mod:`helpers.alerts.actions`: what to do next for each alert.
"""
