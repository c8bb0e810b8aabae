"""The e-commerce operations playbook: the library behind the notebooks.

Data flows in one direction (see docs/architecture.md)::

    raw exports --intake--> contract tables (+ quarantine) --facts--> daily facts
        --kpis / decomposition / funnel / drilldown / alerts--> small result tables
        --charts / report--> notebooks --runner--> HTML reports, index.html, summary.json
"""

__version__ = "0.1.0"
