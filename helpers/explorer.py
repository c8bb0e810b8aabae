"""One filter bar for every themed notebook: date range, channel, category, SKU / title
search and segment over a tidy facts frame.

* :class:`Filters` is what the analyst chose (frozen, comparable, testable).
* :func:`apply_filters` is the pure step: a frame and a :class:`Filters` in, the rows kept
  out. A filter whose column the frame lacks is ignored, so one bar serves every theme.
* :func:`choices_of` reads the choices from the data itself (first and last day, channels,
  categories, segments present).
* :class:`Explorer` builds the ipywidgets controls and redraws the theme's own table and
  chart (the theme's ``draw(frame, filters, **extra)``) whenever a control changes.
* :func:`explore` is the notebook call: controls in JupyterLab, the unfiltered static view
  in the batch run (no widget at all, so the report carries no widget placeholder).

The drawing is captured in the kernel and handed to the ``Output`` widget as its
``outputs`` (never through ``with output:``). Capturing through the Output widget's
message hook makes a headless executor (nbclient, under papermill) answer the widget on the
kernel's shell socket while it waits for the cell's reply on that same socket; the reply can
then go unnoticed until the cell's time limit, which looked like a hung cell.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import matplotlib.pyplot as plt
import pandas as pd

#: Labels of the filter controls ``(zh, en)``.
CONTROL_LABELS: dict[str, tuple[str, str]] = {
    "start": ("开始日期", "From"),
    "end": ("结束日期", "To"),
    "channel": ("渠道", "Channel"),
    "category": ("类目", "Category"),
    "search": ("编码/标题", "SKU / title"),
    "segment": ("分层", "Segment"),
    "all": ("全部", "All"),
}
#: The dropdown filters, in the order the bar shows them.
DROPDOWNS = ("channel", "category", "segment")

Draw = Callable[..., None]
Labeler = Callable[[str], str]
#: A dropdown's "all" option: ipywidgets shows a None value as an empty box, so "all" is
#: offered as "" and read back as None.
ALL = ""


def _offered(options: Sequence[tuple[str, Any]]) -> list[tuple[str, Any]]:
    return [(name, ALL if value is None else value) for name, value in options]


def _read(value: Any) -> Any:
    return None if value is None or (isinstance(value, str) and value == ALL) else value


@dataclass(frozen=True)
class Choice:
    """A theme's own control (metric, event, experiment ...): a dropdown of options.

    Attributes
    ----------
    name : str
        The keyword its value reaches ``draw`` as.
    label : str
        The control's label (already in the page language).
    options : tuple of (label, value)
        What the dropdown offers.
    value : Any
        The starting value, also the batch view's value.
    """

    name: str
    label: str
    options: tuple[tuple[str, Any], ...]
    value: Any


@dataclass(frozen=True)
class Filters:
    """What the analyst chose; None / "" = no filter on that dimension.

    Attributes
    ----------
    start, end : datetime.date or None
        First and last day kept (both inclusive).
    channel, category, segment : str or None
        The one value kept in that column.
    search : str
        Kept when any search column contains it (case-insensitive, plain text).
    """

    start: dt.date | None = None
    end: dt.date | None = None
    channel: str | None = None
    category: str | None = None
    search: str = ""
    segment: str | None = None


@dataclass(frozen=True)
class Columns:
    """Which column of the frame each filter reads (absent columns: filter ignored)."""

    date: str = "date"
    channel: str = "channel"
    category: str = "category"
    segment: str = "segment"
    search: tuple[str, ...] = ("sku_id", "title")


@dataclass(frozen=True)
class Choices:
    """The values the controls offer, read from the data."""

    first: dt.date | None
    last: dt.date | None
    channel: tuple[str, ...]
    category: tuple[str, ...]
    segment: tuple[str, ...]
    searchable: bool


def _days(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values, errors="coerce").dt.normalize()


def apply_filters(
    frame: pd.DataFrame, filters: Filters, columns: Columns = Columns()
) -> pd.DataFrame:
    """Rows of ``frame`` that pass every filter whose column the frame has.

    Dates compare by calendar day (``start <= day <= end``); channel, category and segment
    by their text; the search keeps a row when any present search column contains the text,
    ignoring case. The frame is not modified; its index is kept.
    """
    keep = pd.Series(True, index=frame.index)
    if columns.date in frame.columns:
        days = _days(frame[columns.date])
        if filters.start is not None:
            keep &= days >= pd.Timestamp(filters.start)
        if filters.end is not None:
            keep &= days <= pd.Timestamp(filters.end)
    for name in DROPDOWNS:
        value, column = getattr(filters, name), getattr(columns, name)
        if value is not None and column in frame.columns:
            keep &= frame[column].astype(str) == str(value)
    text = filters.search.strip()
    present = [c for c in columns.search if c in frame.columns]
    if text and present:
        hit = pd.Series(False, index=frame.index)
        for column in present:
            hit |= frame[column].astype(str).str.contains(text, case=False, regex=False)
        keep &= hit
    return frame.loc[keep]


def _values(frame: pd.DataFrame, column: str) -> tuple[str, ...]:
    if column not in frame.columns:
        return ()
    return tuple(sorted(frame[column].dropna().astype(str).unique()))


def choices_of(frame: pd.DataFrame, columns: Columns = Columns()) -> Choices:
    """First / last day and the distinct channels, categories and segments of ``frame``."""
    first = last = None
    if columns.date in frame.columns:
        days = _days(frame[columns.date]).dropna()
        if not days.empty:
            first, last = days.min().date(), days.max().date()
    return Choices(
        first=first,
        last=last,
        channel=_values(frame, columns.channel),
        category=_values(frame, columns.category),
        segment=_values(frame, columns.segment),
        searchable=any(c in frame.columns for c in columns.search),
    )


def label(key: str, lang: str) -> str:
    """A control's label in ``lang``."""
    zh, en = CONTROL_LABELS[key]
    return zh if lang == "zh" else en


def captured_outputs(render: Callable[[], None]) -> tuple[dict[str, Any], ...]:
    """Run ``render`` and return what it printed, displayed and drew as notebook outputs.

    Figures left open by ``render`` are displayed and closed, so a chart appears whether
    the theme's function called ``plt.show()`` or not.
    """
    from IPython.utils.capture import capture_output

    before = set(plt.get_fignums())
    with capture_output() as cap:
        render()
        show_new_figures(before)
    outputs: list[dict[str, Any]] = []
    if cap.stdout:
        outputs.append({"output_type": "stream", "name": "stdout", "text": cap.stdout})
    for shown in cap.outputs:
        data = dict(shown.data)
        outputs.append({"output_type": "display_data", "data": data, "metadata": shown.metadata})
    return tuple(outputs)


def show_new_figures(before: set[int]) -> None:
    """Display and close the figures opened since ``before`` (figure numbers)."""
    from IPython.display import display

    for number in sorted(set(plt.get_fignums()) - before):
        figure = plt.figure(number)
        display(figure)
        plt.close(figure)


class Explorer:
    """The filter bar, the theme's own controls and an output that redraws on every change.

    Parameters
    ----------
    frame : DataFrame
        The tidy facts the filters apply to.
    draw : callable
        ``draw(filtered_frame, filters, **extra_values)``: the theme's table and chart.
    lang : str
        Language of the labels.
    columns : Columns
        Which column each filter reads.
    initial : Filters
        The filters the controls start from (e.g. the last 8 weeks).
    extra : sequence of Choice
        The theme's own controls; each value reaches ``draw`` as the keyword of its name.
    value_labels : mapping of filter name -> callable
        How a channel / category / segment value reads in the dropdown (default: itself).
    labels : mapping of control key -> label
        The theme's own words for a filter (e.g. the search reads event ids and names).
    """

    def __init__(
        self,
        frame: pd.DataFrame,
        draw: Draw,
        *,
        lang: str = "zh",
        columns: Columns = Columns(),
        initial: Filters = Filters(),
        extra: Sequence[Choice] = (),
        value_labels: Mapping[str, Labeler] | None = None,
        labels: Mapping[str, str] | None = None,
    ) -> None:
        import ipywidgets as widgets

        self.frame, self.draw, self.lang, self.columns = frame, draw, lang, columns
        self.labels = {key: label(key, lang) for key in CONTROL_LABELS} | dict(labels or {})
        self.choices = choices_of(frame, columns)
        self.extra = {
            c.name: widgets.Dropdown(
                options=_offered(c.options),
                value=ALL if c.value is None else c.value,
                description=c.label,
            )
            for c in extra
        }
        self.controls: dict[str, Any] = self._filter_controls(initial, value_labels or {})
        self.output = widgets.Output()
        self.drawn: pd.DataFrame = frame.iloc[0:0]
        for control in [*self.controls.values(), *self.extra.values()]:
            control.observe(self.redraw, names="value")
        bar = widgets.HBox(list(self.controls.values()), layout={"flex_flow": "row wrap"})
        theme = widgets.HBox(list(self.extra.values()), layout={"flex_flow": "row wrap"})
        self.box = widgets.VBox([bar, theme, self.output])
        self.redraw()

    def _filter_controls(self, initial: Filters, value_labels: Mapping[str, Labeler]) -> dict:
        import ipywidgets as widgets

        c, names, out = self.choices, self.labels, {}
        if c.first is not None:
            for key, default in (
                ("start", initial.start or c.first),
                ("end", initial.end or c.last),
            ):
                out[key] = widgets.DatePicker(value=default, description=names[key])
        for key in DROPDOWNS:
            values: Sequence[str] = getattr(c, key)
            if values:
                name = value_labels.get(key, str)
                options = [(names["all"], ALL), *[(name(v), v) for v in values]]
                value = getattr(initial, key)
                out[key] = widgets.Dropdown(
                    options=options, value=ALL if value is None else value, description=names[key]
                )
        if c.searchable:
            out["search"] = widgets.Text(value=initial.search, description=names["search"])
        return out

    def _ipython_display_(self) -> None:
        """A notebook cell ending in an explorer shows its controls and output."""
        from IPython.display import display

        display(self.box)

    @property
    def filters(self) -> Filters:
        """The filters the controls show now."""
        values = {key: control.value for key, control in self.controls.items()}
        for key in DROPDOWNS:
            if key in values:
                values[key] = _read(values[key])
        return replace(Filters(), **values)

    def redraw(self, change: Any = None) -> None:
        """Apply the filters and draw the theme's view into the output."""
        filters = self.filters
        self.drawn = apply_filters(self.frame, filters, self.columns)
        extra = {key: _read(control.value) for key, control in self.extra.items()}
        self.output.outputs = captured_outputs(lambda: self.draw(self.drawn, filters, **extra))


def explore(
    frame: pd.DataFrame,
    draw: Draw,
    *,
    interactive: bool,
    **options: Any,
) -> Explorer | None:
    """The notebook's explorer cell (its last line, so the cell shows what it returns).

    Interactively: build and return an :class:`Explorer` (shown as its controls and
    output). In the batch
    (``interactive=False``): draw the default view (the ``initial`` filters, each theme
    control at its starting value) as plain outputs and return None, so no widget reaches the
    report.
    """
    if interactive:
        return Explorer(frame, draw, **options)
    initial = options.get("initial", Filters())
    kept = apply_filters(frame, initial, options.get("columns", Columns()))
    before = set(plt.get_fignums())
    draw(kept, initial, **{c.name: c.value for c in options.get("extra", ())})
    show_new_figures(before)
    return None
