"""The data contract: the canonical tables every notebook reads.

Every source (a platform export, a warehouse dump, the generated sample shop) is mapped onto
these tables by :mod:`helpers.intake`. Column names are English ``snake_case``; money is in the
shop currency (``Settings.currency``); timestamps are naive local time in
``Settings.timezone`` (Asia/Shanghai by default); dates are calendar days in that timezone.

Only ``orders`` and ``order_items`` are mandatory. Every other table is optional and the
notebooks say which sections they skip when one is absent.

The same specification drives validation (:mod:`helpers.intake`) and the documentation
(``docs/data_contract.md`` is checked against it by a test).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

DType = Literal["str", "datetime", "date", "float", "int", "bool"]

#: Canonical order statuses. Metrics are computed from timestamps (``paid_at``,
#: ``shipped_at``) so that a run never sees the future; the status is kept for display and
#: for telling cancelled-before-payment orders apart.
ORDER_STATUSES: tuple[str, ...] = (
    "pending",  # created, not paid (等待买家付款)
    "paid",  # paid, not shipped (买家已付款,等待卖家发货)
    "shipped",  # shipped, not confirmed (卖家已发货,等待买家确认)
    "completed",  # confirmed / 交易成功
    "cancelled",  # closed without payment (交易关闭 before payment)
    "refunded",  # closed after a full refund (交易关闭 after payment)
)


#: ``products.category`` of lines that are not goods (postage, fees, manual adjustments).
NON_PRODUCT = "non-product"

#: Canonical after-sales case types. ``complaint`` cases (e.g. a 1-2 star review) carry no
#: refund and are counted apart from refunds.
AFTER_SALES_TYPES: tuple[str, ...] = ("refund_only", "return", "cancellation", "complaint")


@dataclass(frozen=True)
class Column:
    """One column of a contract table.

    Parameters
    ----------
    name : canonical column name.
    dtype : logical type; ``datetime`` is a naive local timestamp, ``date`` a calendar day.
    required : the table is unusable without it (the file fails with a clear error).
    unit : unit of measure (``currency``, ``count``, ``hours``, ``ratio`` ...), empty if none.
    zh : Chinese name as used on Chinese platforms.
    description : what the column means.
    nullable : whether a row may leave it empty (a required column can still be nullable,
        e.g. ``paid_at`` of an unpaid order).
    min_value : smallest allowed value for numeric columns (rows below go to quarantine).
    allowed : closed set of allowed values for categorical columns.
    """

    name: str
    dtype: DType
    required: bool = False
    unit: str = ""
    zh: str = ""
    description: str = ""
    nullable: bool = True
    min_value: float | None = None
    allowed: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Table:
    """A contract table: its columns, its primary key and what it is for."""

    name: str
    zh: str
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    mandatory: bool = False
    #: (column, table, column) references checked at intake; rows that point nowhere are
    #: quarantined.
    references: tuple[tuple[str, str, str], ...] = field(default_factory=tuple)

    @property
    def required_columns(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"table {self.name!r} has no column {name!r}")


C = Column


def filled(name: str, dtype: DType, zh: str, **more: Any) -> Column:
    """A column every row fills: required and never empty (ids, dates, amounts paid ...)."""
    return Column(name, dtype, True, zh=zh, nullable=False, **more)


def measure(name: str, unit: str, zh: str, **more: Any) -> Column:
    """An optional quantity that cannot be negative: a whole number for a ``count``, a
    decimal for every other unit (``currency``, ``ratio``, ``index``, ``days``)."""
    if unit == "count":
        return Column(name, "int", unit=unit, zh=zh, min_value=0, **more)
    return Column(name, "float", unit=unit, zh=zh, min_value=0.0, **more)


ORDERS = Table(
    name="orders",
    zh="订单",
    description="One row per order (订单). GMV is counted on paid_at, the day the buyer paid.",
    key=("order_id",),
    mandatory=True,
    columns=(
        filled("order_id", "str", "订单编号", description="Order id, unique."),
        C(
            "customer_id",
            "str",
            True,
            zh="买家ID",
            description="Pseudonymous buyer id. Platform nicknames are hashed at intake; "
            "never a name, phone or address. Empty for a guest order (a sale not tied to a "
            "known customer): it counts as one buyer but stays out of customer history.",
        ),
        filled("created_at", "datetime", "订单创建时间", description="When the order was placed."),
        C(
            "paid_at",
            "datetime",
            True,
            zh="订单付款时间",
            description="When the buyer paid; empty for unpaid orders.",
        ),
        filled(
            "status",
            "str",
            "订单状态",
            description="Status at export time; one of " + ", ".join(ORDER_STATUSES) + ".",
            allowed=ORDER_STATUSES,
        ),
        filled(
            "paid_amount",
            "float",
            "买家实际支付金额",
            unit="currency",
            description="What the buyer actually paid for the order, after discounts, "
            "including shipping fee. 0 for unpaid orders.",
            min_value=0.0,
        ),
        C(
            "channel",
            "str",
            zh="渠道",
            description="Traffic source that produced the order (搜索, 推荐, 直播, 短视频, "
            "付费推广, 私域 ...). Empty means 未知/unknown.",
        ),
        C("shipped_at", "datetime", zh="发货时间", description="When the parcel was handed over."),
        C(
            "logistics_updated_at",
            "datetime",
            zh="最新物流时间",
            description="Time of the parcel's latest tracking event (from the courier's or "
            "the platform's logistics export); a shipped parcel whose latest event is old is "
            "a logistics exception on the morning checklist.",
        ),
        measure(
            "discount_amount",
            "currency",
            "优惠金额",
            description="Discounts granted on the order (shop coupons, 满减 ...).",
        ),
        measure(
            "shipping_fee", "currency", "运费", description="Shipping fee charged to the buyer."
        ),
        C("province", "str", zh="省份", description="Delivery province (no finer address)."),
        C("promo_id", "str", zh="活动ID", description="Promotion the order took part in."),
    ),
)

ORDER_ITEMS = Table(
    name="order_items",
    zh="订单明细",
    description="One row per order line (子订单). Line amounts add up to the goods value of "
    "the order before order-level discounts.",
    key=("order_id", "line_no"),
    mandatory=True,
    references=(("order_id", "orders", "order_id"),),
    columns=(
        filled("order_id", "str", "订单编号", description="Parent order."),
        filled(
            "line_no",
            "int",
            "子订单序号",
            description="Line number within the order, 1..n.",
            min_value=1,
        ),
        filled("sku_id", "str", "商家编码", description="Item / SKU id."),
        filled(
            "quantity",
            "int",
            "购买数量",
            unit="count",
            description="Units bought on the line.",
            min_value=1,
        ),
        filled(
            "unit_price",
            "float",
            "单价",
            unit="currency",
            description="Price per unit actually charged on the line, before order-level "
            "discounts.",
            min_value=0.0,
        ),
        C("title", "str", zh="宝贝标题", description="Item title as shown on the order."),
    ),
)

PRODUCTS = Table(
    name="products",
    zh="商品",
    description="Item master data.",
    key=("sku_id",),
    columns=(
        filled("sku_id", "str", "商家编码"),
        C("title", "str", zh="宝贝标题"),
        C(
            "category",
            "str",
            zh="类目",
            description="Product category; 'non-product' marks lines that are not goods "
            "(postage, fees, manual adjustments): kept in GMV, left out of item rankings.",
        ),
        measure("list_price", "currency", "标价"),
        measure("unit_cost", "currency", "成本价"),
        C("launch_date", "date", zh="上架日期"),
    ),
)

TRAFFIC = Table(
    name="traffic",
    zh="流量",
    description="生意参谋-style traffic, one row per day and channel (sku_id empty) or per day, "
    "channel and item. Shop UV is the sum of channel-level rows.",
    key=("date", "channel", "sku_id"),
    columns=(
        filled("date", "date", "日期"),
        filled("channel", "str", "渠道"),
        C("sku_id", "str", zh="商家编码", description="Empty on channel-level rows."),
        measure("impressions", "count", "曝光量"),
        filled("visitors", "int", "访客数 UV", unit="count", min_value=0),
        measure("add_to_cart_users", "count", "加购人数"),
        measure("favorite_users", "count", "收藏人数"),
    ),
)

AD_SPEND = Table(
    name="ad_spend",
    zh="推广花费",
    description="Ad-platform report (直通车, 引力魔方, 万相台 ...), one row per day, channel "
    "and campaign.",
    key=("date", "channel", "campaign"),
    columns=(
        filled("date", "date", "日期"),
        filled("channel", "str", "渠道"),
        C("campaign", "str", zh="计划"),
        filled("spend", "float", "花费", unit="currency", min_value=0.0),
        measure("impressions", "count", "展现量"),
        measure("clicks", "count", "点击量"),
        measure("attributed_gmv", "currency", "成交金额"),
    ),
)

INVENTORY = Table(
    name="inventory",
    zh="库存",
    description="Warehouse stock snapshots, one row per day and item.",
    key=("date", "sku_id"),
    columns=(
        filled("date", "date", "日期"),
        filled("sku_id", "str", "商家编码"),
        filled("on_hand", "int", "可用库存", unit="count", min_value=0),
        measure("lead_time_days", "days", "补货周期"),
    ),
)

AFTER_SALES = Table(
    name="after_sales",
    zh="售后",
    description="Refund and return requests (售后单).",
    key=("case_id",),
    references=(("order_id", "orders", "order_id"),),
    columns=(
        filled("case_id", "str", "退款编号"),
        C(
            "order_id",
            "str",
            True,
            zh="订单编号",
            description="Order refunded; empty for a credit note that names no order "
            "(checked against orders when filled).",
        ),
        C("sku_id", "str", zh="商家编码"),
        filled("requested_at", "datetime", "申请时间"),
        filled("refund_amount", "float", "退款金额", unit="currency", min_value=0.0),
        measure("quantity", "count", "退货数量"),
        C("reason", "str", zh="退款原因"),
        C(
            "type",
            "str",
            zh="售后类型",
            description="refund_only (仅退款), return (退货退款), cancellation (取消/冲销) or "
            "complaint (差评/投诉, no money back). Complaints are kept apart from refund "
            "metrics.",
            allowed=AFTER_SALES_TYPES,
        ),
        C("status", "str", zh="退款状态"),
    ),
)

CUSTOMERS = Table(
    name="customers",
    zh="会员",
    description="Customer attributes without personal data (no names, phones, addresses).",
    key=("customer_id",),
    columns=(
        filled("customer_id", "str", "买家ID"),
        C("first_seen", "date", zh="首次访问"),
        C("member_tier", "str", zh="会员等级"),
        C("region", "str", zh="地区"),
        C("age_band", "str", zh="年龄段"),
        C("gender", "str", zh="性别"),
    ),
)

PROMOTIONS = Table(
    name="promotions",
    zh="活动",
    description="Platform festivals and shop events with their phases.",
    key=("promo_id",),
    columns=(
        filled("promo_id", "str", "活动ID"),
        filled("name", "str", "活动名称"),
        C("kind", "str", zh="类型", description="platform (平台大促) or shop (店铺活动)."),
        C("warmup_start", "date", zh="预热开始"),
        filled("start_date", "date", "爆发开始"),
        filled("end_date", "date", "爆发结束"),
        C("afterglow_end", "date", zh="余热结束"),
        C(
            "mechanic",
            "str",
            zh="玩法",
            description="满减, 限时折扣, 赠品, 免运费, 秒杀, 会员专享 ...",
        ),
        measure("discount_rate", "ratio", "折扣力度"),
    ),
)

MARKET = Table(
    name="market",
    zh="市场",
    description="Category-level market data by month (行业大盘, 生意参谋 市场 -> 市场大盘 / "
    "市场排行). Columns with the unit `index` are 指数 (indices), not real values: they move "
    "with the value but not in proportion. `market_gmv` is a real market size; where the "
    "export has only `trade_index`, the `market_research.index_scale` setting can convert it "
    "(the report then shows the assumption).",
    key=("month", "category"),
    columns=(
        filled("month", "date", "月份", description="First day of the month."),
        filled("category", "str", "类目"),
        measure(
            "search_index",
            "index",
            "搜索指数",
            description="Search interest of the category (an index).",
        ),
        measure(
            "trade_index",
            "index",
            "交易指数",
            description="Sales of the category as an index (not money).",
        ),
        measure(
            "market_gmv",
            "currency",
            "市场规模",
            description="Sales of the category in the month (a real value).",
        ),
        measure("competing_items", "count", "在线商品数"),
        measure("avg_cvr", "ratio", "行业平均转化率"),
        C("avg_margin", "float", unit="ratio", zh="平均毛利率"),
        measure("avg_return_rate", "ratio", "平均退货率"),
    ),
)

MARKET_PRICE_BANDS = Table(
    name="market_price_bands",
    zh="市场价格带",
    description="Sales of a category by price band and month (生意参谋 市场 -> 价格带分布). "
    "A band covers prices from `price_min` (included) to `price_max` (excluded; empty for "
    "the open top band).",
    key=("month", "category", "price_min"),
    columns=(
        filled("month", "date", "月份"),
        filled("category", "str", "类目"),
        filled("price_min", "float", "价格带下限", unit="currency", min_value=0.0),
        measure("price_max", "currency", "价格带上限"),
        measure("market_gmv", "currency", "支付金额"),
        measure("trade_index", "index", "交易指数"),
        measure("items", "count", "在线商品数"),
    ),
)

SEARCH_TERMS = Table(
    name="search_terms",
    zh="搜索词",
    description="Search terms of the shop's categories by month (生意参谋 市场 -> 搜索分析 / "
    "选词助手), with the visitors each term brought to the shop.",
    key=("month", "category", "term"),
    columns=(
        filled("month", "date", "月份"),
        C("category", "str", zh="类目"),
        filled("term", "str", "搜索词"),
        filled(
            "search_popularity",
            "float",
            "搜索人气",
            unit="index",
            description="Search interest of the term (an index).",
            min_value=0.0,
        ),
        measure("online_items", "count", "在线商品数"),
        measure(
            "shop_visitors",
            "count",
            "本店引导访客数",
            description="Visitors the term brought to the shop in the month.",
        ),
    ),
)

COMPETITORS = Table(
    name="competitors",
    zh="竞品",
    description="Competitor items tracked by month (生意参谋 竞争 -> 竞品分析). The traffic "
    "shares say where the item's visitors came from (they add up to at most 1).",
    key=("month", "competitor", "item"),
    columns=(
        filled("month", "date", "月份"),
        filled("competitor", "str", "竞品店铺"),
        filled("item", "str", "竞品商品"),
        C("category", "str", zh="类目"),
        measure("price", "currency", "价格"),
        measure("monthly_sales", "count", "月销量"),
        C("rating", "float", zh="评分"),
        C("main_traffic_source", "str", zh="主要流量来源"),
        C(
            "comparable_sku",
            "str",
            zh="本店对标商品",
            description="The shop's item (sku_id) this competitor item is compared with.",
        ),
        C(
            "promo_days",
            "int",
            unit="days",
            zh="促销天数",
            description="Days of the month the item was on promotion.",
            min_value=0,
        ),
        measure("search_share", "ratio", "搜索流量占比"),
        measure("recommend_share", "ratio", "推荐流量占比"),
        measure("live_share", "ratio", "直播流量占比"),
        measure("video_share", "ratio", "短视频流量占比"),
        measure("paid_share", "ratio", "付费推广流量占比"),
    ),
)

EXPERIMENTS = Table(
    name="experiments",
    zh="实验",
    description="A/B tests (A/B 测试), in either of two shapes: one row per experiment, variant and "
    "day with visitors, conversions and revenue; or one row per user with a converted flag 0/1 "
    "(and optionally revenue). The variant named `control` (setting ab_test.control) is the "
    "baseline. Optional orders and refunded_orders feed the refund-rate and AOV guardrails; "
    "planned_share is the planned treatment share the sample-ratio check tests against.",
    columns=(
        filled("experiment", "str", "实验名称"),
        filled("variant", "str", "版本", description="control or a treatment name."),
        filled("date", "date", "日期"),
        measure(
            "visitors", "count", "访客数", description="Day rows: visitors of the variant that day."
        ),
        measure(
            "conversions",
            "count",
            "转化人数",
            description="Day rows: visitors who converted (bought).",
        ),
        C(
            "revenue",
            "float",
            unit="currency",
            zh="销售额",
            min_value=0,
            description="Day rows: the variant's revenue that day; user rows: the user's.",
        ),
        C("user_id", "str", zh="用户编号", description="User rows: the (pseudonymous) user."),
        measure(
            "converted",
            "count",
            "是否转化",
            description="User rows: 1 when the user converted, else 0.",
        ),
        C("page", "str", zh="页面", description="The page or version the visitor saw."),
        measure(
            "orders",
            "count",
            "订单数",
            description="Orders placed by the variant's visitors (guardrails).",
        ),
        measure(
            "refunded_orders",
            "count",
            "退款订单数",
            description="Of those orders, the ones refunded (refund-rate guardrail).",
        ),
        C(
            "planned_share",
            "float",
            unit="ratio",
            zh="计划分流比例",
            min_value=0,
            description="Planned share of visitors in the treatment (0.5 = even split).",
        ),
    ),
)

TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        ORDERS,
        ORDER_ITEMS,
        PRODUCTS,
        TRAFFIC,
        AD_SPEND,
        INVENTORY,
        AFTER_SALES,
        CUSTOMERS,
        PROMOTIONS,
        MARKET,
        MARKET_PRICE_BANDS,
        SEARCH_TERMS,
        COMPETITORS,
        EXPERIMENTS,
    )
}

#: Columns that may hold personal data in platform exports. Intake drops them (or hashes
#: buyer nicknames into ``customer_id``); they never reach a contract table.
PERSONAL_FIELDS: tuple[str, ...] = (
    "buyer_name",
    "buyer_nick",
    "receiver_name",
    "phone",
    "address",
    "email",
    "id_card",
)


def table(name: str) -> Table:
    """Return the contract table called ``name`` (raises ``KeyError`` with the known names)."""
    try:
        return TABLES[name]
    except KeyError:
        raise KeyError(f"unknown contract table {name!r}; known: {', '.join(TABLES)}") from None


def to_markdown() -> str:
    """The contract as Markdown tables (the body of ``docs/data_contract.md``)."""
    lines: list[str] = []
    for t in TABLES.values():
        need = "mandatory" if t.mandatory else "optional"
        lines += [f"### `{t.name}` ({t.zh}) - {need}", "", t.description, ""]
        if t.key:
            lines += [f"Key: `{', '.join(t.key)}`.", ""]
        for col, parent, pcol in t.references:
            lines += [f"`{col}` must exist in `{parent}.{pcol}`.", ""]
        lines += [
            "| column | 中文 | type | unit | required | rule | meaning |",
            "|---|---|---|---|---|---|---|",
        ]
        for c in t.columns:
            rule = []
            if not c.nullable:
                rule.append("not empty")
            if c.min_value is not None:
                rule.append(f">= {c.min_value:g}")
            if c.allowed:
                rule.append("one of: " + " / ".join(c.allowed))
            lines.append(
                f"| `{c.name}` | {c.zh} | {c.dtype} | {c.unit} | {'yes' if c.required else ''} "
                f"| {', '.join(rule)} | {c.description} |"
            )
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":  # python -m helpers.contract > the tables part of the contract doc
    print(to_markdown())
