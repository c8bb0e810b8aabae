"""Theme-free metrics: small pure functions from facts to result tables.

- :mod:`helpers.metrics.kpis`: the one home of the ratio formulas and the headline KPIs.
- :mod:`helpers.metrics.decomposition`: the exact LMDI split of a GMV change.
- :mod:`helpers.metrics.funnel`: the channel funnel 曝光 -> 访客 -> 加购 -> 支付.
- :mod:`helpers.metrics.drilldown`: trend -> channel -> item.
"""
