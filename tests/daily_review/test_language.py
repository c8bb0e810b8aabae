"""The daily review's pages speak one language: no English internals on the zh page, no
Chinese outside data values on the en page (the sample shop, the review notebook only)."""

from __future__ import annotations

import html
import re

import pytest
from locations import SAMPLE

from helpers import runner

#: ASCII words a Chinese page may carry: trade terms, units, currency codes, brand names
ALLOWED = {
    "GMV", "UV", "CVR", "ROI", "ROAS", "SKU", "LMDI", "TOP", "Shopify", "CNY", "GBP", "BRL",
    "USD", "EUR", "pp", "ln", "z", "h", "k", "M", "x",
}  # fmt: skip
#: ids in the data (SKUs such as AP0001, order ids)
ID = re.compile(r"^[A-Z]{1,3}\d+$")


def _visible_text(page: str, *, drop_cells: bool) -> str:
    """The page's visible text without code spans (column and setting names) and, with
    ``drop_cells``, without table cells and quoted data values."""
    page = re.sub(r"<style.*?</style>|<script.*?</script>", " ", page, flags=re.S)
    page = re.sub(r"<code>.*?</code>", " ", page, flags=re.S)
    page = re.sub(r"<img[^>]*>", " ", page)
    if drop_cells:
        page = re.sub(r"<t[dh][^>]*>.*?</t[dh]>", " ", page, flags=re.S)
    text = html.unescape(re.sub(r"<[^>]+>", " ", page))
    if drop_cells:
        # a data value quoted in a sentence ('尺码不符'), never an apostrophe (item's)
        text = re.sub(r"'(?=[\u4e00-\u9fff])[^']*'|「[^」]*」", " ", text)
    return text


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> dict[str, str]:
    out = {}
    for lang in ("zh", "en"):
        folder = tmp_path_factory.mktemp(f"review-{lang}")
        result = runner.run(
            data_dir=SAMPLE,
            out_dir=folder,
            lang=lang,
            only=["daily_review"],
            cache_dir=folder / "cache",
            progress=False,
        )
        path = folder / result.run_date / "05_daily_review.html"
        out[lang] = path.read_text(encoding="utf-8")
    return out


def test_the_zh_page_has_no_english_words_outside_the_allow_list(pages):
    text = _visible_text(pages["zh"], drop_cells=False)
    words = re.findall(r"[A-Za-z][A-Za-z_]*\d*", text)
    stray = sorted({w for w in words if w not in ALLOWED and not ID.match(w)})
    assert stray == [], stray


def test_the_en_page_has_no_chinese_outside_data_values(pages):
    text = _visible_text(pages["en"], drop_cells=True)
    # the shop's own name and its channel names are data too
    text = text.replace("山野生活旗舰店", " ")
    chinese = re.findall(r"[^\s]{0,20}[\u4e00-\u9fff]+[^\s]{0,20}", text)
    assert chinese == [], chinese[:20]
