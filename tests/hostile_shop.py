"""The sample shop with hostile text in every free-text field and in the settings.

Each payload would leave a mark if it ever ran in a browser: ``data-pwned="N"`` on the page
body (an attribute the page never has otherwise). Each also carries a bare URL (Markdown
would autolink it), a ``$...$`` span (matplotlib would typeset it; ``$x^{$`` made the whole
report fail) and a Chinese mobile number and ID-card number typed into free text.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from locations import SAMPLE

PHONE = "13812345678"
ID_CARD = "11010519491231002X"
MARK = 'data-pwned="'
EVIL_HOST = "evil.example"


def payload(n: int) -> str:
    """Hostile text number ``n``."""
    return (
        f"<img src=x onerror=document.body.dataset.pwned={n}> "
        f"<script>document.body.dataset.pwned={n}</script> "
        f"http://{EVIL_HOST}/{n} www.{EVIL_HOST} $x^{{$ 电话 {PHONE} 身份证 {ID_CARD}"
    )


#: (table, column, value replaced) -> payload number
TARGETS = {
    ("orders", "channel", "付费推广"): 1,
    ("traffic", "channel", "付费推广"): 1,
    ("after_sales", "reason", "质量问题"): 2,
    ("products", "title", None): 3,  # every product title gets the payload as prefix
    ("order_items", "title", None): 3,
    ("promotions", "name", None): 4,
}
SETTINGS_PAYLOAD = 5


def _file(table: str) -> Path:
    for name in (f"{table}.csv", f"{table}.csv.gz"):
        if (SAMPLE / name).is_file():
            return SAMPLE / name
    raise FileNotFoundError(table)


def hostile_shop(target: Path) -> Path:
    """Write the hostile copy of the sample shop into ``target`` and return it."""
    target.mkdir(parents=True, exist_ok=True)
    tables = {p.name.split(".")[0]: p for p in SAMPLE.glob("*.csv*")}
    for table, src in tables.items():
        df = pd.read_csv(src, dtype=str, keep_default_na=False)
        for (t, column, old), n in TARGETS.items():
            if t != table or column not in df.columns:
                continue
            if old is None:
                df[column] = payload(n) + " " + df[column]
            else:
                df.loc[df[column] == old, column] = payload(n)
        df.to_csv(target / src.name, index=False)
    shop = f"<img src=x onerror=document.body.dataset.pwned={SETTINGS_PAYLOAD}> $x^{{$"
    (target / "playbook.yaml").write_text(
        f"shop_name: '{shop}'\ncurrency: CNY\nindustry_cvr: 0.03\n", encoding="utf-8"
    )
    return target
