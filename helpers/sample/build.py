"""The orchestrator: build the frame, call one generator per table in order, then the
theme planters.

Random streams (``default_rng([seed, n])``): 1 catalogue, 2 demand, 3 order times,
4 buyers, 5 order lines, 6 order money, 7 shipping, 8-9 after-sales, 10 customers,
11-13 traffic, 14 ad spend, 15 inventory, 20 market, 21 competitors; planters
``[seed, 1000, crc32(name)]``.
"""

from __future__ import annotations

from helpers.sample.ads import ad_spend
from helpers.sample.after_sales import after_sales
from helpers.sample.catalog import products
from helpers.sample.customers import buyers, customers_table
from helpers.sample.inventory import inventory
from helpers.sample.market import competitors, market
from helpers.sample.order_lines import order_items_table, order_lines
from helpers.sample.orders import demand, order_money, order_times, orders_table
from helpers.sample.planting import Planter, SampleSpec, Tables, discover_planters, plant
from helpers.sample.shipping import shipping
from helpers.sample.shop import Shop
from helpers.sample.traffic import traffic


def base_tables(shop: Shop) -> Tables:
    """Every contract table of the base shop (with P1-P5 and the past stock-outs)."""
    dem = demand(shop)
    ot = order_times(shop, dem)
    who = buyers(shop, ot)
    lines = order_lines(shop, ot)
    province = who.order_province
    money = order_money(shop, ot, lines.value, lines.order, lines.flash[lines.start], province)
    ship = shipping(shop, ot, dem)
    cases, status = after_sales(shop, ot, lines, money, ship.shipped, ship.status)
    visits, visitors = traffic(shop, dem)
    return {
        "orders": orders_table(ot, who.customer, province, money, ship.shipped, status),
        "order_items": order_items_table(shop, ot, lines),
        "products": products(shop.cat),
        "traffic": visits,
        "ad_spend": ad_spend(shop, ot, money.paid_amount, visitors),
        "inventory": inventory(shop, ot, lines),
        "after_sales": cases,
        "customers": customers_table(shop, ot, who, money.paid_amount),
        "promotions": shop.promos,
        "market": market(shop.seed, shop.dates[0], shop.end),
        "competitors": competitors(shop.seed, shop.dates[0], shop.end, shop.cat, shop.plan),
    }


def build_tables(spec: SampleSpec, planters: tuple[Planter, ...] | None = None) -> Tables:
    """The sample shop's tables: the base shop, then the planters (default: discovered)."""
    shop = Shop.create(spec.seed, spec.end, spec.days, spec.scale)
    chosen = discover_planters() if planters is None else planters
    return plant(base_tables(shop), spec, chosen)
