"""Batch run: execute every themed notebook for one date and publish HTML reports.

What :func:`run` does, in order:

1. load the settings (``config`` file, else ``<data_dir>/playbook.yaml``, else defaults;
   ``lang`` overrides the language);
2. prepare the data **once** (intake with its cache in the user cache folder or
   ``cache_dir``, the facts for the run date saved there too, so every notebook starts from
   the cache); when no run date is given it is the last complete day of the orders; what a
   built-in mapping knows about its source (currency, timezone) fills unset settings;
3. execute every ``*.ipynb`` of the notebooks folder whose name does not start with ``_``
   (sorted by name, optionally filtered with ``only``) with papermill, in parallel, each with
   the parameters ``run_date, data_dir, lang, explain, cache_dir, config, output_dir,
   mapping``;
   by default on warm kernels started during step 2 with the heavy imports done, one fresh
   kernel per notebook (:mod:`helpers.kernel_pool`); each HTML export runs in a thread while
   the next notebook executes, and one progress line per notebook says its name, status and
   seconds;
4. write into ``<out_dir>/<run_date>/``: the executed ``<stem>.ipynb``, ``<stem>.html``
   (code hidden, cells of the other language, exercises and, unless ``explain``, teaching
   text removed, self-contained), ``summary.json``
   (notebook statuses, alerts, KPIs merged from the notebooks' sidecars) and ``index.html``;
   and refresh ``<out_dir>/index.html`` (list of dates).

A failing notebook does not stop the others: its executed copy (with the traceback) is still
exported to HTML, it is marked ``failed`` and the run's exit code is 1.

``summary.json`` is deterministic: the same data, settings and notebooks give the same file,
except the ``seconds`` values (wall-clock time of each notebook).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as _dt
import functools
import json
import os
import re
import shutil
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from helpers import i18n, kernel_pool, notebook_file, privacy, report, staging
from helpers.notices import notice
from helpers.notify import delivery
from helpers.settings import Settings, load_settings, with_engine

if TYPE_CHECKING:  # pragma: no cover
    import nbformat

KERNEL_NAME = "python3"
#: Command-line arguments of every notebook kernel (quiet: its log is not the report).
KERNEL_ARGUMENTS = ("--IPKernelApp.log_level=CRITICAL",)
#: ``kernels=`` choices: "warm" = kernels started ahead with the heavy imports done (see
#: :mod:`helpers.kernel_pool`), "fresh" = a kernel started when its notebook starts.
KERNEL_MODES = ("warm", "fresh")
SUMMARY_FILE = "summary.json"
INDEX_FILE = "index.html"
#: A cell that runs longer than this fails the notebook (a hung cell must not stall the
#: morning run); generous, since the heaviest cell of a review takes seconds.
CELL_TIMEOUT_SECONDS = 600
#: The whole run (every notebook) must finish within this; cells still running then fail
#: with a timeout and notebooks not yet started are marked failed without running.
RUN_TIMEOUT_SECONDS = 3600

PARAMETER_NAMES = (
    "run_date",
    "data_dir",
    "lang",
    "explain",
    "cache_dir",
    "config",
    "output_dir",
    "mapping",
)
REMOVE_CELL_TAG = "remove-cell"
#: Teaching text (what you will learn, how to read a chart, what to do next): in the reports
#: only with ``explain`` (``playbook run --explain``); notebooks opened by hand show it.
TEACH_TAG = "teach"
#: Exercises for the assistant: JupyterLab only, never in a report.
EXERCISE_TAG = "exercise"
LANG_TAGS = {"zh": "lang-zh", "en": "lang-en"}
HTML_LANG = {"zh": "zh-CN", "en": "en"}
#: Severity order (most urgent first), declared once in :mod:`helpers.i18n`.
SEVERITY_ORDER = i18n.SEVERITY_RANK
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_PREFIX_RE = re.compile(r"^\d+[_-]")
_WIDGET_MIME = "application/vnd.jupyter.widget-view+json"

# The lab template without the scripts it would fetch from a CDN (require.js, MathJax,
# widget manager, mermaid): reports must open offline.
_REPORT_TEMPLATE = """{%- extends 'index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{% block jupyter_widgets %}{% endblock jupyter_widgets %}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{% block extra_css %}
<style>
/* English pages: a Chinese item title or channel name in a table cell stays whole instead
   of wrapping one or two characters per line (lines break at spaces only); a table wider
   than the page scrolls sideways rather than squeezing its columns */
html[lang="en"] .jp-RenderedHTMLCommon td, html[lang="en"] .jp-RenderedHTMLCommon th {
  word-break: keep-all;
}
.jp-RenderedHTMLCommon td { min-width: 3em; }
.jp-OutputArea-output.jp-RenderedHTML { overflow-x: auto; }
</style>
{% endblock extra_css %}
"""


class RunError(ValueError):
    """The run cannot start (missing data folder, bad date, unknown notebook name ...)."""


@dataclass(frozen=True)
class Limits:
    """Time limits of a run, in seconds.

    Attributes
    ----------
    cell_timeout : float
        Longest a single notebook cell may run.
    run_timeout : float
        Longest the notebooks of the run may take together (from the first start).
    """

    cell_timeout: float = CELL_TIMEOUT_SECONDS
    run_timeout: float = RUN_TIMEOUT_SECONDS

    def __post_init__(self) -> None:
        for name in ("cell_timeout", "run_timeout"):
            value = getattr(self, name)
            ok = isinstance(value, (int, float)) and not isinstance(value, bool)
            if not ok or not 0 < value < float("inf"):
                raise RunError(f"{name} must be a positive number of seconds, not {value!r}")


@dataclass(frozen=True)
class Prepared:
    """What the data-preparation step hands to the notebooks.

    Attributes
    ----------
    run_date : str
        The resolved run date, ``YYYY-MM-DD``.
    quarantined_rows : int or None
        Input rows set aside by intake (None when unknown; then the notebooks' sidecars tell).
    settings_hints : dict
        What the data source suggests for the settings (currency, timezone, shop name), used
        where ``playbook.yaml`` is silent.
    """

    run_date: str
    quarantined_rows: int | None = None
    settings_hints: dict = field(default_factory=dict)


@dataclass(frozen=True)
class NotebookResult:
    """Outcome of one notebook.

    Attributes
    ----------
    name : str
        File stem, e.g. ``"05_daily_review"``.
    status : str
        ``"ok"`` or ``"failed"``.
    seconds : float
        Wall-clock time of execution plus export, in seconds (rounded to 0.01).
    report : Path or None
        The HTML report (None when the notebook could not even start).
    error : str or None
        One-line error (``"ValueError: boom (cell 2)"``) when failed.
    title : str
        First heading of the notebook in the run language (the stem when there is none).
    """

    name: str
    status: str
    seconds: float
    report: Path | None
    error: str | None = None
    title: str = ""


@dataclass(frozen=True)
class RunResult:
    """Outcome of :func:`run`.

    Attributes
    ----------
    run_date : str
        ``YYYY-MM-DD``.
    out_dir : Path
        The dated report folder ``<out>/<run_date>`` (holds summary.json and index.html).
    notebooks : list of NotebookResult
        In name order.
    exit_code : int
        0 when every notebook succeeded, 1 otherwise (a failed push to a chat group or
        e-mail does not change it: see ``notifications``).
    notifications : list
        The outcome per ``notify`` target (:class:`helpers.notify.delivery.Outcome`),
        empty when nothing was sent.
    """

    run_date: str
    out_dir: Path
    notebooks: list[NotebookResult]
    exit_code: int
    notifications: list = field(default_factory=list)

    @property
    def summary_path(self) -> Path:
        return self.out_dir / SUMMARY_FILE

    @property
    def index_path(self) -> Path:
        return self.out_dir / INDEX_FILE


PrepareFn = Callable[..., "Prepared | str | _dt.date"]


# --------------------------------------------------------------------------- dates / names
def parse_run_date(value: Any) -> str:
    """Validate a run date and return it as ``YYYY-MM-DD``.

    Accepts a ``YYYY-MM-DD`` string, a ``datetime.date``/``datetime`` or a pandas Timestamp.
    Raises :class:`RunError` otherwise.
    """
    if isinstance(value, _dt.datetime):
        return value.date().isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    text = str(value).strip()
    if not _DATE_RE.match(text):
        raise RunError(f"invalid date {text!r}: expected YYYY-MM-DD, e.g. 2026-11-15")
    try:
        return _dt.date.fromisoformat(text).isoformat()
    except ValueError as exc:
        raise RunError(f"invalid date {text!r}: {exc}") from None


def short_name(stem: str) -> str:
    """Notebook stem without its numeric prefix: ``05_daily_review`` -> ``daily_review``."""
    return _PREFIX_RE.sub("", stem)


def default_notebooks_dir() -> Path:
    """The repository's ``notebooks/`` folder (next to the ``helpers`` package)."""
    import helpers

    return Path(helpers.__file__).resolve().parent.parent / "notebooks"


def discover_notebooks(notebooks_dir: str | os.PathLike[str]) -> list[Path]:
    """Every ``*.ipynb`` in the folder whose name does not start with ``_``, sorted by name."""
    folder = Path(notebooks_dir)
    if not folder.is_dir():
        raise RunError(f"notebooks folder not found: {folder}")
    return sorted(
        (p for p in folder.glob("*.ipynb") if not p.name.startswith(("_", "."))),
        key=lambda p: p.name,
    )


def select_notebooks(paths: Sequence[Path], only: Iterable[str] | None) -> list[Path]:
    """Keep the notebooks named in ``only`` (stem, stem without numeric prefix, or file name).

    Raises :class:`RunError` naming the available notebooks when a name matches none.
    """
    if not only:
        return list(paths)
    wanted = [str(o).strip() for o in only if str(o).strip()]
    keep: set[Path] = set()
    for name in wanted:
        key = name.removesuffix(".ipynb")
        hits = [p for p in paths if key in (p.stem, short_name(p.stem))]
        if not hits:
            available = ", ".join(p.stem for p in paths) or "(none)"
            raise RunError(f"unknown notebook {name!r}; available: {available}")
        keep.update(hits)
    return [p for p in paths if p in keep]


# --------------------------------------------------------------------------- data preparation
def default_prepare(
    data_dir: Path,
    settings: Settings,
    *,
    cache_dir: Path,
    run_date: str | None,
    mapping: str | None = None,
) -> Prepared:
    """Validate the data once and build the facts, both cached in ``cache_dir``.

    Delegates to :func:`helpers.context.prepare`; the notebooks, started with the same
    ``cache_dir``, then read the tables and facts back instead of parsing again. The run
    date defaults to the last complete day of the orders.
    """
    from helpers.context import prepare as prepare_context

    dataset, _facts, day = prepare_context(
        data_dir, settings, cache_dir=cache_dir, run_date=run_date, mapping=mapping
    )
    return Prepared(
        run_date=parse_run_date(day),
        quarantined_rows=dataset.quarantined_rows,
        settings_hints=dict(getattr(dataset, "settings_hints", None) or {}),
    )


def _as_prepared(value: Any) -> Prepared:
    if isinstance(value, Prepared):
        return Prepared(
            parse_run_date(value.run_date), value.quarantined_rows, dict(value.settings_hints)
        )
    return Prepared(parse_run_date(value))


# --------------------------------------------------------------------------- notebooks
def strip_outputs(path: str | os.PathLike[str], *, write: bool = True) -> bool:
    """Remove outputs, execution counts and run metadata from a notebook file, in place.

    Returns True when the file changed (or would change, with ``write=False``). Notebooks
    are committed in this clean state.
    """
    return notebook_file.rewrite(path, _strip, write=write)


def _strip(nb: Any) -> None:
    for key in ("papermill", "widgets"):
        nb.metadata.pop(key, None)
    for cell in nb.cells:
        for key in ("papermill", "execution", "collapsed", "scrolled"):
            cell.metadata.pop(key, None)
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None


def _removed_tags(lang: str, explain: bool = False) -> set[str]:
    other = "en" if lang == "zh" else "zh"
    removed = {REMOVE_CELL_TAG, EXERCISE_TAG, LANG_TAGS[other]}
    return removed if explain else removed | {TEACH_TAG}


def _plain_heading(line: str) -> str:
    text = line.lstrip("#").strip()
    text = re.sub(r"<[^>]+>", "", text)  # inline HTML
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)  # links / images
    return re.sub(r"[*_`~]", "", text).strip()


def notebook_title(nb: nbformat.NotebookNode, lang: str) -> str:
    """First Markdown heading among the cells kept for ``lang`` ('' when there is none)."""
    removed = _removed_tags(lang)
    for cell in nb.cells:
        if cell.cell_type != "markdown" or removed & set(cell.metadata.get("tags", [])):
            continue
        for line in cell.source.splitlines():
            if line.startswith("#"):
                title = _plain_heading(line)
                if title:
                    return title
    return ""


def _drop_widgets(nb: nbformat.NotebookNode) -> None:
    """Widget views need a live kernel; keep their text fallback only."""
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for out in cell.get("outputs", []):
            data = out.get("data")
            if data and _WIDGET_MIME in data:
                del data[_WIDGET_MIME]


def export_html(
    nb: nbformat.NotebookNode, html_path: Path, *, lang: str, run_date: str, explain: bool = False
) -> str:
    """Write the report page of an executed notebook and return its title.

    ``nb`` is modified (widget views dropped, ``metadata.title`` set).

    Code cells are hidden (inputs and prompts), cells tagged ``remove-cell`` and the
    Markdown of the other language (``lang-en`` / ``lang-zh``) are removed, the ``<title>``
    is the notebook's first heading and the date, ``<html lang>`` is zh-CN or en, and the
    page loads nothing from the network (images are embedded as data URIs).
    """
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    _drop_widgets(nb)
    heading = notebook_title(nb, lang) or html_path.stem
    title = f"{heading} · {run_date}"
    nb.metadata["title"] = title
    exporter = HTMLExporter(
        template_name="lab",
        template_file="playbook_report.html.j2",
        extra_loaders=[DictLoader({"playbook_report.html.j2": _REPORT_TEMPLATE})],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
    )
    exporter.register_preprocessor(
        TagRemovePreprocessor(remove_cell_tags=_removed_tags(lang, explain), enabled=True),
        enabled=True,
    )
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": heading}})
    body = re.sub(r'<html lang="[^"]*">', f'<html lang="{HTML_LANG[lang]}">', body, count=1)
    html_path.write_text(body, encoding="utf-8")
    return heading


def _one_line(text: str, limit: int = 500) -> str:
    text = re.sub(r"\x1b\[[0-9;]*m", "", str(text))
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _execute(
    src: Path,
    executed: Path,
    parameters: dict[str, Any],
    cwd: Path,
    timeout_for: Callable[[Any], float] | None = None,
    pool: Any = None,
) -> tuple[str, str | None]:
    """Execute one notebook into ``executed`` -> (status, error).

    ``timeout_for(cell)`` gives each cell's time limit in seconds (default
    :data:`CELL_TIMEOUT_SECONDS`). With a :class:`helpers.kernel_pool.KernelPool` the
    notebook runs on one of its warm kernels, else on a kernel started for it.
    """
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    warm = {} if pool is None else {"engine_name": kernel_pool.ENGINE_NAME, "kernel_pool": pool}
    try:
        pm.execute_notebook(
            str(src),
            str(executed),
            parameters=parameters,
            kernel_name=KERNEL_NAME,
            language="python",
            cwd=str(cwd),
            progress_bar=False,
            log_output=False,
            execution_timeout=CELL_TIMEOUT_SECONDS,
            timeout_func=timeout_for,
            extra_arguments=list(KERNEL_ARGUMENTS),
            **warm,
        )
    except PapermillExecutionError as exc:
        return "failed", _one_line(f"{exc.ename}: {exc.evalue} (cell {exc.exec_count})")
    except Exception as exc:  # could not start (bad JSON, no kernel ...) or a cell timed out
        return "failed", _one_line(f"{type(exc).__name__}: {exc}")
    return "ok", None


def _export(
    src: Path,
    executed: Path,
    status: str,
    error: str | None,
    lang: str,
    run_date: str,
    explain: bool = False,
) -> tuple[str, str | None, Path | None, str]:
    """Export the executed notebook to HTML beside it -> (status, error, html path, title)."""
    import nbformat

    html = executed.with_suffix(".html")
    if not executed.exists():
        return status, error, None, src.stem
    try:
        nb = nbformat.read(executed, as_version=4)
        title = export_html(nb, html, lang=lang, run_date=run_date, explain=explain)
    except Exception as exc:  # a full disk ...: no half-written page is published
        html.unlink(missing_ok=True)
        return (
            "failed",
            error or _one_line(f"export failed: {type(exc).__name__}: {exc}"),
            None,
            src.stem,
        )
    return status, error, html, title


# --------------------------------------------------------------------------- summary
def _read_sidecar(report_dir: Path, stem: str) -> dict[str, Any] | None:
    for name in (stem, short_name(stem)):
        path = report.sidecar_path(report_dir, name)
        if path.is_file():
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                return None
            return data if isinstance(data, dict) else None
    return None


def _alert_sort_key(alert: dict[str, Any]) -> tuple:
    sev = str(alert.get("severity") or "").lower()

    def s(key: str) -> str:
        v = alert.get(key)
        return "" if v is None else str(v)

    return (
        SEVERITY_ORDER.get(sev, len(SEVERITY_ORDER)),
        s("rule"),
        s("subject"),
        s("notebook"),
        json.dumps(alert, sort_keys=True, ensure_ascii=False),
    )


def build_summary(
    results: Sequence[NotebookResult],
    sidecars: dict[str, dict[str, Any] | None],
    *,
    run_date: str,
    settings: Settings,
    quarantined_rows: int | None,
) -> dict[str, Any]:
    """Merge the notebook results and their sidecars into the run summary (see module doc)."""
    alerts: list[dict[str, Any]] = []
    kpis: dict[str, Any] = {}
    skipped: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    exports: dict[str, Any] = {}
    sidecar_quarantined: list[int] = []
    for res in results:
        side = sidecars.get(res.name) or {}
        for a in side.get("alerts") or []:
            if isinstance(a, dict):
                alerts.append(
                    {**a, "key": a.get("key") or report.alert_key(a), "notebook": res.name}
                )
        if side.get("kpis"):
            kpis[res.name] = side["kpis"]
        if side.get("skipped"):
            skipped[res.name] = side["skipped"]
        if side.get("extra"):
            extra[res.name] = side["extra"]
        if side.get("exports"):
            exports[res.name] = side["exports"]
        if isinstance(side.get("quarantined"), int):
            sidecar_quarantined.append(side["quarantined"])
    if quarantined_rows is None:
        quarantined_rows = max(sidecar_quarantined, default=0)
    alerts.sort(key=_alert_sort_key)
    return report.to_jsonable(
        {
            "run_date": run_date,
            "lang": settings.language,
            "shop_name": settings.shop_name,
            "currency": settings.currency,
            "notebooks": [
                {
                    "name": r.name,
                    "title": r.title or r.name,
                    "status": r.status,
                    "seconds": r.seconds,
                    "report": r.report.name if r.report else None,
                    "error": r.error,
                }
                for r in results
            ],
            "alerts": alerts,
            "kpis": kpis,
            "quarantined_rows": int(quarantined_rows),
            "skipped": skipped,
            "extra": extra,
            "exports": exports,
        }
    )


def write_root_index(out_dir: Path) -> Path:
    """(Re)write ``<out_dir>/index.html``: the dates present, newest first."""
    entries = []
    for d in sorted(out_dir.iterdir(), key=lambda p: p.name, reverse=True):
        if not (d.is_dir() and _DATE_RE.match(d.name) and (d / INDEX_FILE).is_file()):
            continue
        summary = None
        if (d / SUMMARY_FILE).is_file():
            try:
                summary = json.loads((d / SUMMARY_FILE).read_text(encoding="utf-8"))
            except (OSError, ValueError):
                summary = None
        entries.append((d.name, summary))
    path = out_dir / INDEX_FILE
    staging.atomic_write_text(path, report.render_root_index(entries))
    return path


# --------------------------------------------------------------------------- run
def _publish_run(
    stage: Path,
    report_dir: Path,
    results: list[NotebookResult],
    prepared: Prepared,
    settings: Settings,
) -> None:
    """Write summary.json and the run index into ``stage``, then swap it in as
    ``report_dir`` and refresh the root index, under the report root's lock."""
    summary = build_summary(
        results,
        {r.name: _read_sidecar(stage, r.name) for r in results},
        run_date=prepared.run_date,
        settings=settings,
        quarantined_rows=prepared.quarantined_rows,
    )
    (stage / SUMMARY_FILE).write_text(report.dumps(summary), encoding="utf-8")
    (stage / INDEX_FILE).write_text(report.render_run_index(summary), encoding="utf-8")
    with staging.root_lock(report_dir.parent):
        staging.swap_in(stage, report_dir)
        write_root_index(report_dir.parent)


@dataclass
class _Batch:
    """Shared state of the notebooks of one run: counters, progress, deadline, kernels."""

    n: int
    out: Path
    parameters: dict[str, Any]
    nb_dir: Path
    lang: str
    progress: bool
    limits: Limits
    pool: Any = None
    deadline: float = 0.0
    started: int = 0
    done: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def say(self, msg: str) -> None:
        if self.progress:
            with self.lock:
                print(msg, file=sys.stderr, flush=True)

    def timeout_for(self, _cell: Any) -> float:
        return max(1.0, min(self.limits.cell_timeout, self.deadline - time.monotonic()))

    def finish(self, result: NotebookResult, run_s: float, html_s: float) -> NotebookResult:
        with self.lock:
            self.done += 1
            k = self.done
        tail = f": {result.error}" if result.error else ""
        self.say(
            f"[{k}/{self.n}] {result.name} {result.status} {result.seconds:.1f}s"
            f" (run {run_s:.1f}s, html {html_s:.1f}s){tail}"
        )
        return result


def _run_notebook(batch: _Batch, exporter: ThreadPoolExecutor, src: Path) -> Future:
    """Execute one notebook now; its HTML export is queued on ``exporter`` (so the worker
    moves on to the next notebook) and the returned future gives its result."""
    with batch.lock:
        batch.started += 1
        k = batch.started
    if time.monotonic() >= batch.deadline:
        late = f"not started: the run exceeded its time limit of {batch.limits.run_timeout:g} s"
        batch.say(f"[{k}/{batch.n}] {src.stem} failed: {late}")
        done: Future = Future()
        done.set_result(NotebookResult(src.stem, "failed", 0.0, None, late, src.stem))
        return done
    batch.say(f"[{k}/{batch.n}] {src.stem} started")
    executed = batch.out / f"{src.stem}.ipynb"
    for stale in (executed, executed.with_suffix(".html")):
        stale.unlink(missing_ok=True)
    t0 = time.perf_counter()
    status, error = _execute(
        src, executed, batch.parameters, batch.nb_dir, batch.timeout_for, batch.pool
    )
    run_s = time.perf_counter() - t0

    def export() -> NotebookResult:
        t1 = time.perf_counter()
        final, err, html, title = _export(
            src,
            executed,
            status,
            error,
            batch.lang,
            batch.parameters["run_date"],
            bool(batch.parameters.get("explain")),
        )
        html_s = time.perf_counter() - t1
        seconds = round(run_s + html_s, 2)
        result = NotebookResult(src.stem, final, seconds, html, err, title)
        return batch.finish(result, run_s, html_s)

    return exporter.submit(export)


def _execute_all(
    batch: _Batch, notebooks: Sequence[Path], workers: int | None
) -> list[NotebookResult]:
    """Execute the notebooks in parallel into ``batch.out`` within the time limits; each
    HTML export overlaps with the next executions (one export thread)."""
    batch.deadline = time.monotonic() + batch.limits.run_timeout
    n_workers = max(1, workers or min(len(notebooks), os.cpu_count() or 1))
    with ThreadPoolExecutor(max_workers=1) as exporter:
        with ThreadPoolExecutor(max_workers=n_workers) as pool:
            pending = list(pool.map(lambda src: _run_notebook(batch, exporter, src), notebooks))
        return [f.result() for f in pending]


def run(
    *,
    data_dir: str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    run_date: Any = None,
    lang: str | None = None,
    explain: bool = False,
    only: Iterable[str] | None = None,
    notebooks_dir: str | os.PathLike[str] | None = None,
    config: str | os.PathLike[str] | None = None,
    workers: int | None = None,
    progress: bool = True,
    prepare: PrepareFn | None = None,
    mapping: str | os.PathLike[str] | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
    cell_timeout: float = CELL_TIMEOUT_SECONDS,
    run_timeout: float = RUN_TIMEOUT_SECONDS,
    kernels: str = "warm",
    notify: str = "auto",
    engine: str | None = None,
) -> RunResult:
    """Execute the notebooks for one date and publish the reports (see module docstring).

    Parameters
    ----------
    data_dir : folder with the shop's data files (and optionally ``playbook.yaml``).
    out_dir : report root; results go to ``<out_dir>/<run_date>/``.
    run_date : ``YYYY-MM-DD`` (or date); None = last complete day of the orders.
    lang : "zh" or "en"; None = the settings' language (zh by default).
    explain : keep the teaching text (cells tagged ``teach``: what you will learn, how to
        read each chart, what to do next) in the reports; default off, so the daily reports
        stay lean. Exercise cells (tagged ``exercise``) are never in a report.
    only : notebook names to run (stem or stem without its numeric prefix).
    notebooks_dir : defaults to the repository's ``notebooks/`` folder.
    config : settings YAML; None = ``<data_dir>/playbook.yaml`` when present.
    workers : parallel notebooks; default ``min(n_notebooks, os.cpu_count())``.
    progress : one line per notebook start/finish on stderr.
    prepare : ``prepare(data_dir, settings, *, cache_dir, run_date) -> Prepared | date str``,
        called once before the notebooks; defaults to :func:`default_prepare`.
    mapping : a built-in mapping name or a mapping YAML for platform exports; None lets
        intake recognise files by their headers.
    cache_dir : where validated tables and facts are cached; None = the user cache folder
        (the one ``playbook check`` fills, so a check before a run saves the parsing).
    cell_timeout : seconds one notebook cell may run (default 600); a slower cell fails
        its notebook.
    run_timeout : seconds all notebooks together may run (default 3600); then running cells
        fail and notebooks not yet started are marked failed.
    kernels : "warm" (default) starts the kernels ahead of their notebooks with the heavy
        imports done, each kernel serving one notebook (:mod:`helpers.kernel_pool`);
        "fresh" starts each notebook's kernel when the notebook starts.
    notify : after publishing, send the morning message to the ``notify.targets`` of the
        settings: ``auto`` (when ``notify.enabled``), ``on``, ``off`` or ``force`` (also to
        targets already sent for this date); see :mod:`helpers.notify.delivery`.
    engine : the engine of the facts (``duckdb``, ``pandas`` or ``spark``); None = the
        settings' ``facts.engine`` (see docs/scaling.md).

    The reports are written into a staging folder and swapped in at the end (see
    :mod:`helpers.staging`): until then the previous report of the date stays complete.

    Raises
    ------
    RunError
        Missing data folder, bad date, unknown notebook name, no notebooks.
    """
    limits = Limits(cell_timeout, run_timeout)  # checked before any work
    if kernels not in KERNEL_MODES:
        raise RunError(f"invalid kernels {kernels!r}: expected warm or fresh")
    if notify not in delivery.MODES:
        raise RunError(f"invalid notify mode {notify!r}: expected {', '.join(delivery.MODES)}")
    data_path = Path(data_dir).resolve()
    if not data_path.is_dir():
        raise RunError(f"data folder not found: {data_dir}")
    run_date = None if run_date is None or run_date == "" else parse_run_date(run_date)
    if lang is not None and lang not in LANG_TAGS:
        raise RunError(f"invalid language {lang!r}: expected zh or en")
    settings = load_settings(Path(config) if config else data_path, language=lang)
    settings = with_engine(settings, engine)
    lang = settings.language
    weak_key = privacy.key_notice(settings.pii_salt)
    if weak_key:
        notice(weak_key)

    nb_dir = Path(notebooks_dir).resolve() if notebooks_dir else default_notebooks_dir()
    notebooks = select_notebooks(discover_notebooks(nb_dir), only)
    if not notebooks:
        raise RunError(f"no notebooks to run in {nb_dir}")

    out_root = Path(out_dir).resolve()
    from helpers.intake import default_cache_dir

    cache_path = Path(cache_dir).resolve() if cache_dir else default_cache_dir()
    privacy.private_dir(cache_path)
    mapping_arg = os.fspath(mapping) if mapping else None
    if mapping_arg and Path(mapping_arg).is_file():
        mapping_arg = str(Path(mapping_arg).resolve())
    prepare_fn = prepare or functools.partial(default_prepare, mapping=mapping_arg or None)
    # warm kernels start now, so their imports overlap with the data preparation
    with _kernels(kernels, len(notebooks), workers, nb_dir) as pool:
        prepared = _as_prepared(
            prepare_fn(data_path, settings, cache_dir=cache_path, run_date=run_date)
        )
        settings = settings.with_hints(prepared.settings_hints)
        parameters = {
            "run_date": prepared.run_date,
            "data_dir": str(data_path),
            "lang": lang,
            "explain": bool(explain),
            "cache_dir": str(cache_path),
            "config": str(Path(config).resolve()) if config else "",
            "mapping": str(mapping_arg or ""),
        }
        batch = _Batch(len(notebooks), out_root, parameters, nb_dir, lang, progress, limits, pool)
        results, report_dir = _run_and_publish(batch, notebooks, workers, prepared, settings)
    exit_code = 0 if all(r.status == "ok" for r in results) else 1
    if progress:
        print(f"reports: {report_dir / INDEX_FILE}", file=sys.stderr, flush=True)
    sent = delivery.after_run(report_dir, settings.notify, notify)
    return RunResult(prepared.run_date, report_dir, results, exit_code, sent)


@contextlib.contextmanager
def _kernels(
    mode: str, n_notebooks: int, workers: int | None, nb_dir: Path
) -> Iterator[kernel_pool.KernelPool | None]:
    """The run's warm-kernel pool (None for fresh kernels), closed when the run ends."""
    if mode == "fresh":
        yield None
        return
    ahead = max(1, workers or min(n_notebooks, os.cpu_count() or 1))
    with kernel_pool.KernelPool(
        total=n_notebooks,
        ahead=ahead,
        cwd=nb_dir,
        kernel_name=KERNEL_NAME,
        extra_arguments=KERNEL_ARGUMENTS,
    ) as pool:
        yield pool


def _run_and_publish(
    batch: _Batch,
    notebooks: Sequence[Path],
    workers: int | None,
    prepared: Prepared,
    settings: Settings,
) -> tuple[list[NotebookResult], Path]:
    """Execute the notebooks into a staging folder and swap it in as the dated report folder;
    returns the results (report paths in the final folder) and that folder."""
    out_root = batch.out
    report_dir = out_root / prepared.run_date
    staging.remove_leftovers(out_root)
    stage = staging.staging_dir(out_root, prepared.run_date)
    batch.out = stage
    batch.parameters = {**batch.parameters, "output_dir": str(stage)}
    try:
        results = _execute_all(batch, notebooks, workers)
        _publish_run(stage, report_dir, results, prepared, settings)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    results = [
        dataclasses.replace(r, report=report_dir / r.report.name if r.report else None)
        for r in results
    ]
    return results, report_dir
