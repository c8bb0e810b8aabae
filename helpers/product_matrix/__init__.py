"""The product matrix and inventory (商品矩阵与库存), notebook ``02_product_matrix``.

Its sections are declared in :mod:`helpers.product_matrix.theme`; :mod:`.matrix` computes every
result the notebook shows from the modules named after their idea: :mod:`.sales`, :mod:`.abc`,
:mod:`.roles`, :mod:`.lifecycle`, :mod:`.cart_gap`, :mod:`.forecast`, :mod:`.inventory`,
:mod:`.baskets`, :mod:`.pricing`, and :mod:`.report` (alerts, headline numbers, exports).
"""

__all__ = [
    "abc",
    "baskets",
    "cart_gap",
    "forecast",
    "inventory",
    "lifecycle",
    "matrix",
    "pricing",
    "report",
    "roles",
    "sales",
    "theme",
]
