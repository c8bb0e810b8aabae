"""What every notebook opens first: settings, validated data and the run's facts.

A batch run prepares this once (:func:`prepare`) and the notebooks of that run read it back
from the cache; a notebook opened by hand in JupyterLab calls :func:`load_context` with its
defaults and gets the same objects (building them on first use).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from helpers.facts import Facts
from helpers.facts.days import DayStore
from helpers.intake import Dataset, default_cache_dir, source_digest
from helpers.intake.cache import discard_damaged, verify_digests, write_digests
from helpers.privacy import make_private
from helpers.settings import Settings, load_settings


@dataclass(frozen=True)
class RunContext:
    """Everything a notebook needs for one run date.

    Attributes
    ----------
    settings : the run's settings (language already applied).
    dataset : validated contract tables plus quarantine and provenance
        (:class:`helpers.intake.Dataset`).
    facts : compact per-run facts, cut at the run date (:class:`helpers.facts.Facts`).
    run_date : the day under review (midnight timestamp).
    lang : report language (``zh`` or ``en``).
    """

    settings: Settings
    dataset: Dataset
    facts: Facts
    run_date: pd.Timestamp
    lang: str

    @property
    def available(self) -> frozenset[str]:
        return frozenset(self.dataset.available)

    def missing(self, *tables: str) -> list[str]:
        """The tables among ``tables`` that this data set does not have."""
        return [t for t in tables if t not in self.available]


def _facts_dir(
    cache_dir: Path, fingerprint: str, run_date: pd.Timestamp, settings: Settings
) -> Path:
    """Facts depend on the data, the date, the settings (e.g. the shipping SLA) and the code
    that builds them."""
    import helpers.contract
    import helpers.facts
    import helpers.festivals

    # language and where the morning message goes do not change the facts
    # nor does the engine that computes them (tests/facts/test_engines.py)
    neutral = settings.replace(
        language="zh", notify=type(settings.notify)(), facts=type(settings.facts)()
    )
    knobs = json.dumps(neutral.to_dict(), sort_keys=True, default=str)
    code = source_digest(helpers.facts, helpers.festivals, helpers.contract)
    tag = hashlib.sha256((knobs + code).encode("utf-8")).hexdigest()[:12]
    return cache_dir / fingerprint / f"facts-{run_date:%Y-%m-%d}-{tag}"


def _day_store(cache_dir: Path, data_dir: str | Path, engine: str = "pandas") -> DayStore:
    """The per-day parts of this data folder's facts (kept across data changes, so that a
    new day of data recomputes that day only); tied to the code that builds them, one store
    per engine (each engine's digests are its own, :mod:`helpers.facts.engine_days`)."""
    import helpers.facts

    folder = str(Path(data_dir).resolve())
    code = source_digest(helpers.facts)
    tag = hashlib.sha256((folder + code).encode("utf-8")).hexdigest()[:16]
    return DayStore(cache_dir / "days" / (tag if engine == "pandas" else f"{tag}-{engine}"))


def _cached_facts(target: Path, load_facts: Callable[[Path], Facts]) -> Facts | None:
    """The facts cached in ``target`` after checking their digests; a damaged entry is
    removed (with a notice) and None returned, so the facts are built again."""
    if not (target / "facts.json").is_file():
        return None
    problem = verify_digests(target)
    if problem is None:
        try:
            return load_facts(target)
        except Exception as exc:  # noqa: BLE001 - unreadable despite digests: rebuild
            problem = f"unreadable: {type(exc).__name__}"
    discard_damaged(target, problem)
    return None


def _built_facts(
    dataset: Dataset, day: pd.Timestamp, settings: Settings, cache: Path, data_dir: str | Path
) -> Facts:
    """The facts built by the settings' engine: DuckDB or Spark over the cached Parquet
    tables (:mod:`helpers.facts.engines`), or pandas; pandas and DuckDB with the folder's
    day store (Spark builds in full: its tables live in the cluster, the store is local)."""
    from helpers.facts import build_facts
    from helpers.facts.engines import fact_engine

    tables = cache / dataset.fingerprint / "tables"
    parquet = {n: str(tables / f"{n}.parquet") for n in ("orders", "order_items")}
    engine = fact_engine(settings, {n: p for n, p in parquet.items() if Path(p).is_file()})
    if engine is not None and engine.digest_kind is None:
        return build_facts(dataset.tables, day, settings, engine=engine)
    store = _day_store(cache, data_dir, engine.name if engine else "pandas")
    facts = build_facts(dataset.tables, day, settings, days=store, engine=engine)
    if store.path.is_dir():
        make_private(store.path.parent)
    return facts


def _given_day(run_date: str | pd.Timestamp | None) -> pd.Timestamp | None:
    """The run date asked for, at midnight; None for the default (the last complete day)
    or a value that is not a date (left to :func:`helpers.facts.checked_run_date`)."""
    if run_date is None or (isinstance(run_date, str) and not run_date.strip()):
        return None
    try:
        day = pd.Timestamp(run_date).normalize()
    except (TypeError, ValueError):
        return None
    return None if pd.isna(day) else day


def prepare(
    data_dir: str | Path,
    settings: Settings,
    *,
    cache_dir: str | Path | None = None,
    run_date: str | pd.Timestamp | None = None,
    mapping: str | Path | None = None,
) -> tuple[Dataset, Facts, pd.Timestamp]:
    """Validate the data and build the facts for ``run_date``, both cached.

    Returns ``(dataset, facts, run_date)``; ``run_date`` None means the last complete day in
    the orders. ``mapping`` names a mapping (built-in name or YAML file) for platform
    exports; None lets intake recognise files by their headers. The facts are written next to
    the cached tables, so a second call with the same inputs and date reads everything back
    without parsing or scanning again. When the data changed (a new day appended), the
    order-line facts of the payment days whose rows are unchanged come from the folder's day
    store (:mod:`helpers.facts.days`) and only new or changed days are scanned. A
    ``run_date`` outside the orders' days raises ``ValueError`` stating their range.

    Only the tables a step asks for are read from the cache (:class:`helpers.intake.Dataset`):
    the run date needs two columns of the orders, and none when ``run_date`` is given and
    its facts are cached already (every notebook of a batch run); the DuckDB engine reads
    the orders and order lines from the cache's Parquet files.
    """
    from helpers.facts import checked_run_date, load_facts, save_facts
    from helpers.intake import load_dataset

    cache = Path(cache_dir) if cache_dir else default_cache_dir()
    dataset = load_dataset(data_dir, settings, mapping=mapping or None, cache_dir=cache)
    # what the source's mapping knows (currency, timezone, calendar) fills unset settings
    settings = settings.with_hints(dataset.settings_hints)
    given = _given_day(run_date)
    if given is not None:  # facts cached for that day were built after its range check
        cached = _cached_facts(_facts_dir(cache, dataset.fingerprint, given, settings), load_facts)
        if cached is not None:
            return dataset, cached, given
    # the order times only: the whole orders table is never loaded for the date
    day = checked_run_date(dataset.read("orders", ["created_at", "paid_at"]), run_date)
    target = _facts_dir(cache, dataset.fingerprint, day, settings)
    cached = _cached_facts(target, load_facts)
    if cached is not None:
        return dataset, cached, day
    facts = _built_facts(dataset, day, settings, cache, data_dir)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".facts-", dir=target.parent))
    save_facts(facts, tmp)
    write_digests(tmp)
    make_private(tmp)
    try:
        tmp.rename(target)
    except OSError:  # another process finished first: keep theirs
        shutil.rmtree(tmp, ignore_errors=True)
    return dataset, facts, day


def load_context(
    data_dir: str | Path = "../data/sample",
    *,
    run_date: str | None = "",
    lang: str | None = "",
    cache_dir: str | None = "",
    config: str | None = "",
    mapping: str | None = "",
) -> RunContext:
    """Open a run the way the notebooks' parameters cell describes it.

    Empty strings mean "the default": the last complete day, the settings' language, the
    user cache folder, ``playbook.yaml`` in the data folder, mappings recognised by headers.
    What a built-in mapping knows about its source (currency, timezone) fills the settings
    that ``playbook.yaml`` leaves unset.
    """
    source = config or data_dir
    dataset, facts, day = prepare(
        data_dir,
        load_settings(source),
        cache_dir=cache_dir or None,
        run_date=run_date or None,
        mapping=mapping or None,
    )
    settings = load_settings(source, language=lang or None).with_hints(dataset.settings_hints)
    return RunContext(
        settings=settings, dataset=dataset, facts=facts, run_date=day, lang=settings.language
    )
