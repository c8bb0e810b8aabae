"""Market research (市场调研), notebook ``01_market_research``.

Sections are declared in :mod:`.theme`; the computations live in modules named after their
idea: :mod:`.months` (complete months, growth windows), :mod:`.sources` (indices vs real
values), :mod:`.lifecycle` (stage rule, shop share), :mod:`.price_bands`,
:mod:`.search_terms`, :mod:`.competitors`, :mod:`.customers` (customer picture),
:mod:`.screen` (三高一低), :mod:`.outlook` (STL demand outlook), :mod:`.signals` (alerts);
:mod:`.research` assembles them for the notebook and :mod:`.charts` draws them.
"""

from helpers.market_research.research import MarketResearch, build_research, research_for
from helpers.market_research.theme import THEME, MarketResearchSettings

__all__ = ["THEME", "MarketResearch", "MarketResearchSettings", "build_research", "research_for"]
