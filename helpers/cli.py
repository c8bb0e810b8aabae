"""The ``playbook`` command (also ``python -m helpers``).

Sub-commands::

    playbook run    [--date YYYY-MM-DD] [--data DIR] [--out DIR] [--lang zh|en]
                    [--only NAME ...] [--config FILE] [--workers N] [--quiet]
                    [--cell-timeout SECONDS] [--run-timeout SECONDS] [--kernels warm|fresh]
                    [--notify [force] | --no-notify] [--engine duckdb|pandas|spark]
    playbook sample [--out DIR] [--seed N] [--scale X] [--days N] [--end YYYY-MM-DD]
                    [--format csv|parquet]
    playbook strip  [--check] PATH ...
    playbook check  [--data DIR] [--mapping FILE_OR_NAME] [--config FILE] [--lang zh|en]
                    [--quarantine FILE] [--engine duckdb|pandas|spark]
    playbook notify --out DIR [--date YYYY-MM-DD] [--dry-run] [--force]
                    [--data DIR] [--config FILE]

Exit codes: 0 success; 1 some notebook failed (``run``), a notebook is not clean
(``strip --check``) or a target could not be reached (``notify``); a failed push after
``run`` is reported on stderr and in summary.json but leaves the run's exit code as the
notebooks made it; 2 the command could not run (missing data folder, unusable input file,
bad date, unknown notebook, no usable orders for ``check`` ...) - a one-line message is
printed to stderr, no traceback.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

#: Defaults of ``--cell-timeout`` / ``--run-timeout`` (kept equal to the runner's).
CELL_TIMEOUT_SECONDS = 600
RUN_TIMEOUT_SECONDS = 3600

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


def _date(value: str) -> str:
    from helpers.runner import RunError, parse_run_date

    try:
        return parse_run_date(value)
    except RunError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _seconds(value: str) -> float:
    try:
        n = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, not {value!r}") from None
    if not 0 < n < float("inf"):
        raise argparse.ArgumentTypeError(f"expected a positive number of seconds, not {value!r}")
    return n


def _positive_int(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, not {value!r}") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, not {value!r}")
    return n


class _UsageError(Exception):
    """A command-line mistake; reported on one line."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise _UsageError(f"{message} (see: {self.prog} --help)")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="playbook",
        description="E-commerce operations playbook: check a data folder, run the notebooks into daily reports, make sample data.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    for add in (
        _add_run_parser,
        _add_sample_parser,
        _add_strip_parser,
        _add_check_parser,
        _add_lang_parser,
        _add_notify_parser,
    ):
        add(sub)
    return parser


def _add_source_options(p: argparse.ArgumentParser) -> None:
    """Where the data come from: folder, mapping, settings, validation cache, fact engine."""
    from helpers.settings import FACT_ENGINES

    p.add_argument("--data", default="data/sample", help="data folder (default: data/sample)")
    p.add_argument(
        "--mapping",
        default=None,
        metavar="FILE_OR_NAME",
        help="mapping YAML or built-in mapping name for platform exports (default: detect)",
    )
    p.add_argument("--config", default=None, help="settings YAML (default: DATA/playbook.yaml)")
    p.add_argument(
        "--cache", default=None, metavar="DIR", help="validation cache (default: user cache)"
    )
    p.add_argument(
        "--engine",
        choices=FACT_ENGINES,
        default=None,
        help="engine of the facts (default: the settings' facts.engine; see docs/scaling.md)",
    )


def _add_run_parser(sub: Any) -> None:
    """``playbook run``: execute the notebooks for one date."""
    p_run = sub.add_parser("run", help="execute the notebooks for one date -> HTML reports")
    p_run.add_argument(
        "--date",
        type=_date,
        default=None,
        help="run date YYYY-MM-DD (default: last complete day in the orders)",
    )
    _add_source_options(p_run)
    p_run.add_argument("--out", default="reports", help="report folder (default: reports)")
    p_run.add_argument(
        "--lang", choices=("zh", "en"), default=None, help="report language (default: settings, zh)"
    )
    p_run.add_argument(
        "--only", nargs="+", metavar="NAME", help="run only these notebooks (e.g. daily_review)"
    )
    p_run.add_argument(
        "--workers",
        type=_positive_int,
        default=None,
        help="notebooks run in parallel (default: number of CPUs)",
    )
    p_run.add_argument(
        "--cell-timeout",
        type=_seconds,
        default=CELL_TIMEOUT_SECONDS,
        metavar="SECONDS",
        help=f"a cell running longer fails its notebook (default: {CELL_TIMEOUT_SECONDS})",
    )
    p_run.add_argument(
        "--run-timeout",
        type=_seconds,
        default=RUN_TIMEOUT_SECONDS,
        metavar="SECONDS",
        help=f"time limit of all notebooks together (default: {RUN_TIMEOUT_SECONDS})",
    )
    p_run.add_argument(
        "--kernels",
        choices=("warm", "fresh"),
        default="warm",
        help="warm: kernels started ahead with the heavy imports done, one per notebook"
        " (default); fresh: each notebook's kernel started when it starts",
    )
    p_run.add_argument(
        "--notify",
        nargs="?",
        const="on",
        choices=("on", "force"),
        default="auto",
        help="send the morning message to the notify targets of the settings (default: when "
        "notify.enabled); 'force' also to targets already sent for this date",
    )
    p_run.add_argument(
        "--no-notify", dest="notify", action="store_const", const="off", help="send nothing"
    )
    p_run.add_argument("--notebooks", default=None, help=argparse.SUPPRESS)
    p_run.add_argument("--quiet", action="store_true", help="no progress lines")
    p_run.add_argument(
        "--explain",
        action="store_true",
        help="keep the teaching text (how to read each chart, what to do next) in the reports",
    )


def _add_sample_parser(sub: Any) -> None:
    """``playbook sample``: write the synthetic sample shop."""
    p_sample = sub.add_parser("sample", help="write the synthetic sample shop data")
    p_sample.add_argument("--out", default="data/sample", help="folder (default: data/sample)")
    p_sample.add_argument("--seed", type=int, default=7)
    p_sample.add_argument("--scale", type=float, default=1.0, help="volume multiplier")
    p_sample.add_argument("--days", type=_positive_int, default=730, help="days of history")
    p_sample.add_argument("--end", type=_date, default="2026-11-15", help="last day YYYY-MM-DD")
    p_sample.add_argument("--format", choices=("csv", "parquet"), default="csv")


def _add_strip_parser(sub: Any) -> None:
    """``playbook strip``: remove notebook outputs."""
    p_strip = sub.add_parser("strip", help="remove outputs from notebooks before committing")
    p_strip.add_argument("paths", nargs="+", metavar="PATH", help="notebooks or folders")
    p_strip.add_argument(
        "--check", action="store_true", help="change nothing; exit 1 when a notebook has outputs"
    )


def _add_check_parser(sub: Any) -> None:
    """``playbook check``: check a data folder."""
    p_check = sub.add_parser(
        "check", help="check a data folder: tables, quarantine, run date, sections that will run"
    )
    _add_source_options(p_check)
    p_check.add_argument(
        "--lang", choices=("zh", "en"), default=None, help="output language (default: settings, zh)"
    )
    p_check.add_argument(
        "--quarantine",
        default=None,
        metavar="FILE",
        help="write every quarantined row (file, row, column, value, reason) to this CSV file",
    )


def _add_lang_parser(sub: Any) -> None:
    """``playbook lang``: one language in JupyterLab."""
    p_lang = sub.add_parser(
        "lang", help="show one language's text in notebooks opened in JupyterLab"
    )
    p_lang.add_argument("lang", choices=("zh", "en"), help="language to show")
    p_lang.add_argument(
        "paths", nargs="*", default=["notebooks"], metavar="PATH", help="notebooks or folders"
    )


def _add_notify_parser(sub: Any) -> None:
    p = sub.add_parser("notify", help="send (or print) the morning message of a past run")
    p.add_argument("--out", required=True, help="report folder of the runs")
    p.add_argument("--date", type=_date, default=None, help="run date (default: the latest)")
    p.add_argument("--dry-run", action="store_true", help="print the message, send nothing")
    p.add_argument("--force", action="store_true", help="send even if already sent")
    p.add_argument("--data", default="data/sample", help="data folder with playbook.yaml")
    p.add_argument("--config", default=None, help="settings YAML (default: DATA/playbook.yaml)")


def _fail(message: str) -> int:
    print(f"playbook: error: {message}", file=sys.stderr)
    return EXIT_USAGE


def _error_text(exc: BaseException) -> str:
    if isinstance(exc, KeyError) and exc.args:
        text = str(exc.args[0])
    else:
        text = str(exc) or type(exc).__name__
    return " ".join(text.split())


def _cmd_run(args: argparse.Namespace) -> int:
    from helpers.runner import run

    result = run(
        data_dir=args.data,
        out_dir=args.out,
        run_date=args.date,
        lang=args.lang,
        explain=args.explain,
        only=args.only,
        notebooks_dir=args.notebooks,
        config=args.config,
        workers=args.workers,
        progress=not args.quiet,
        mapping=args.mapping,
        cache_dir=args.cache,
        cell_timeout=args.cell_timeout,
        run_timeout=args.run_timeout,
        kernels=args.kernels,
        notify=args.notify,
        engine=args.engine,
    )
    return result.exit_code


def _cmd_sample(args: argparse.Namespace) -> int:
    from helpers.sample import generate_sample

    counts = generate_sample(
        args.out,
        seed=args.seed,
        end_date=args.end,
        days=args.days,
        scale=args.scale,
        fmt=args.format,
    )
    for table, rows in sorted(counts.items()):
        print(f"{table}: {rows} rows")
    print(f"sample data written to {args.out}")
    return EXIT_OK


def _notebook_files(paths: Sequence[str]) -> list[Path]:
    files: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            files.extend(
                sorted(f for f in p.rglob("*.ipynb") if ".ipynb_checkpoints" not in f.parts)
            )
        elif p.is_file():
            files.append(p)
        else:
            raise FileNotFoundError(f"no such notebook or folder: {raw}")
    return files


def _cmd_strip(args: argparse.Namespace) -> int:
    from helpers.runner import strip_outputs

    dirty = [f for f in _notebook_files(args.paths) if strip_outputs(f, write=not args.check)]
    for f in dirty:
        print(f"{'has outputs' if args.check else 'stripped'}: {f}")
    return EXIT_FAILED if (args.check and dirty) else EXIT_OK


def _cmd_lang(args: argparse.Namespace) -> int:
    from helpers.notebook_lang import set_language

    for f in _notebook_files(args.paths):
        if set_language(f, args.lang):
            print(f"{args.lang}: {f}")
    return EXIT_OK


def _cmd_check(args: argparse.Namespace) -> int:
    from helpers.check import check_data, problem_text, render, write_quarantine
    from helpers.notices import notice
    from helpers.notify.status import notify_status_text
    from helpers.privacy import key_notice
    from helpers.settings import load_settings, with_engine

    data = Path(args.data)
    if not data.is_dir():
        return _fail(f"data folder not found: {args.data}")
    settings = load_settings(args.config if args.config else data, language=args.lang)
    settings = with_engine(settings, args.engine)
    weak_key = key_notice(settings.pii_salt)
    if weak_key:
        notice(weak_key)
    report = check_data(
        data, settings, mapping=args.mapping, config=args.config, cache_dir=args.cache
    )
    lang = args.lang or settings.language
    print(render(report, lang=lang), end="")
    if args.quarantine:
        write_quarantine(report.quarantine, Path(args.quarantine))
        print(f"{len(report.quarantine)} quarantined row(s) written to {args.quarantine}")
    print(notify_status_text(settings.notify, lang), end="")
    if not report.usable:
        return _fail(problem_text(report.problem, "en"))
    return EXIT_OK


def _run_folder(out: Path, date: str | None) -> Path:
    from helpers.notify.history import earlier_runs

    if date:
        folder = out / date
    else:
        runs = earlier_runs(out, "9999-99-99")
        if not runs:
            raise FileNotFoundError(f"no dated run folder in {out}")
        folder = runs[0]
    if not (folder / "summary.json").is_file():
        raise FileNotFoundError(f"no summary.json in {folder}")
    return folder


def _cmd_notify(args: argparse.Namespace) -> int:
    from helpers.notify import delivery
    from helpers.settings import load_settings

    folder = _run_folder(Path(args.out), args.date)
    data = Path(args.data)
    settings = load_settings(args.config if args.config else (data if data.is_dir() else None))
    if args.dry_run:
        print(delivery.preview(folder, settings.notify), end="")
        return EXIT_OK
    if not settings.notify.targets:
        return _fail("no notify targets in the settings (see docs/notifications.md)")
    outcomes = delivery.deliver(folder, settings.notify, force=args.force)
    for o in outcomes:
        print(f"{o.target} ({o.kind}): {o.status}" + (f": {o.error}" if o.error else ""))
    return EXIT_FAILED if any(o.status == "failed" for o in outcomes) else EXIT_OK


def _with_notices(handler, args: argparse.Namespace) -> int:
    """Run ``handler(args)``, printing each :class:`~helpers.notices.PlaybookNotice` it
    issued (weak pseudonym key, damaged cache entry rebuilt ...) once on stderr."""
    from helpers.notices import PlaybookNotice

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", PlaybookNotice)
        try:
            return handler(args)
        finally:
            seen: set[str] = set()
            for w in caught:
                text = str(w.message)
                if issubclass(w.category, PlaybookNotice) and text not in seen:
                    seen.add(text)
                    print(f"playbook: notice: {text}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``playbook`` command; returns the exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except _UsageError as exc:
        return _fail(str(exc))
    except SystemExit as exc:  # --help / --version
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    handlers = {
        "run": _cmd_run,
        "sample": _cmd_sample,
        "strip": _cmd_strip,
        "lang": _cmd_lang,
        "check": _cmd_check,
        "notify": _cmd_notify,
    }
    try:
        return _with_notices(handlers[args.command], args)
    except KeyboardInterrupt:
        return _fail("interrupted")
    except (ValueError, OSError, KeyError) as exc:
        # RunError, IntakeError and settings errors are ValueErrors with a clear message.
        return _fail(_error_text(exc))


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
