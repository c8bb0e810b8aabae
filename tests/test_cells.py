"""Typed cell readers: the declared type comes out, anything else fails loudly."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.cells import cell_int, cell_items, cell_number, cell_optional_number, cell_text


def test_cells_read_from_itertuples_keep_their_values():
    frame = pd.DataFrame({"n": [3, 4], "x": [1.5, np.nan], "t": ["a", "b"], "l": [[1], (2, 3)]})
    rows = list(frame.itertuples(index=False))
    assert cell_int(rows[0].n) == 3 and isinstance(cell_int(rows[0].n), int)
    assert cell_number(rows[0].x) == 1.5
    assert np.isnan(cell_number(rows[1].x))  # NaN stays NaN
    assert cell_text(rows[1].t) == "b"
    assert cell_items(rows[1].l) == [2, 3]
    assert cell_items(np.array([1, 2])) == [1, 2]


def test_missing_values_read_as_none_only_where_allowed():
    assert cell_optional_number(None) is None
    assert cell_optional_number(pd.NA) is None
    assert cell_optional_number(pd.NaT) is None
    assert cell_optional_number(np.int64(7)) == 7.0
    with pytest.raises(TypeError):
        cell_number(None)


@pytest.mark.parametrize(
    "reader, value",
    [(cell_number, "12"), (cell_int, "3"), (cell_text, 3), (cell_text, None), (cell_items, "ab")],
)
def test_a_cell_of_the_wrong_kind_raises(reader, value):
    with pytest.raises(TypeError):
        reader(value)
