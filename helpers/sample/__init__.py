"""A seeded generator of a realistic sample shop (山野生活旗舰店, an outdoor-lifestyle store).

The sample shop lets every notebook run out of the box and gives the tests a data set with
known answers. It covers about two years of a mid-sized Tmall/Taobao-style shop ending on a
Sunday just after 双11, written as contract tables (see :mod:`helpers.contract`):

* five categories (服饰, 美妆, 食品, 家居, 数码), 300 SKUs with Chinese titles, Zipf-like
  popularity, charm prices (99/199/299 ...) and category-specific margins;
* six channels (搜索, 推荐, 直播, 短视频, 付费推广, 私域) with their own shares, conversion
  rates, add-to-cart and favourite rates;
* a growth trend (about 80 paid orders a day two years ago, about 150 now, at ``scale=1``),
  a weekly rhythm, the platform festivals of :func:`helpers.festivals.platform_festivals`
  plus shop events, each with warm-up (more carts, fewer payments), burst and after-glow,
  and the Spring Festival logistics pause;
* repeat buyers from a growing customer pool (about 30 % of orders by returning customers,
  a core of loyal heavy buyers), pseudonymous ids only (``C0000123``), no personal data;
* after-sales cases, traffic, ad spend, inventory snapshots, market and competitor data.

Five problems are planted in the last days (see :func:`planted_problems` and the README of
the committed sample) so the daily review has something real to find.

Everything is vectorised with numpy (loops run over days, months or SKUs, never over
orders), so ``scale=30`` (millions of order lines) runs in reasonable time. The same seed
gives byte-identical files.

One module per generated table (``catalog``, ``days``, ``orders``, ``order_lines``,
``customers``, ``shipping``, ``after_sales``, ``traffic``, ``ads``, ``inventory``,
``market``), each drawing from its own random stream; :mod:`helpers.sample.build` calls them
in order; :mod:`helpers.sample.planting` is the hook through which a theme adds planted facts
of its own (``helpers/sample/<theme>.py`` defining ``PLANTER``) without moving any other draw.
"""

from helpers.sample.build import build_tables
from helpers.sample.planted import planted_problems
from helpers.sample.planting import Planter, SampleSpec, Tables, discover_planters
from helpers.sample.profile import (
    CATEGORIES,
    CHANNELS,
    DEFAULT_SEED,
    END_DATE,
    INDUSTRY_CVR,
    REASONS,
    SHOP_CVR,
    SHOP_NAME,
)
from helpers.sample.writer import generate_sample, settings_dict

__all__ = [
    "CATEGORIES",
    "CHANNELS",
    "DEFAULT_SEED",
    "END_DATE",
    "INDUSTRY_CVR",
    "REASONS",
    "SHOP_CVR",
    "SHOP_NAME",
    "Planter",
    "SampleSpec",
    "Tables",
    "build_tables",
    "discover_planters",
    "generate_sample",
    "planted_problems",
    "settings_dict",
]
