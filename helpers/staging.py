"""Atomic publishing of a dated report folder.

A run never writes into the published ``<out>/<run_date>/`` folder. It fills a private
staging folder beside it (``<out>/.<run_date>.staging-<pid>-<random>/``) and, once every
file is complete, swaps it in under a lock on the report root:

1. the published folder (if any) is renamed to ``.<run_date>.old-<pid>-<random>``;
2. the staging folder is renamed to ``<run_date>``;
3. the old copy is deleted and the root ``index.html`` rewritten (atomically).

So a run that is killed, runs out of disk or fails while exporting leaves the previous
complete report (its pages, ``summary.json`` and index entry) untouched; two runs into the
same report root never share a folder (each has its own staging folder, so neither deletes
the other's sidecars) and their swaps are serialised by the lock. Staging folders left by
killed runs are removed by the next run once their process is gone.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

LOCK_FILE = ".playbook.lock"
_LEFTOVER_RE = re.compile(r"^\.\d{4}-\d{2}-\d{2}\.(?:staging|old)-(\d+)-")


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so that readers see either the old or the whole new file.

    The text goes to a temporary file in the same folder, is flushed to disk and renamed
    over ``path``; on any error (a full disk ...) the temporary is removed and the error
    raised, ``path`` keeping its previous content.
    """
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def staging_dir(out_root: Path, run_date: str) -> Path:
    """A new, empty staging folder for ``run_date`` beside the published one."""
    out_root.mkdir(parents=True, exist_ok=True)
    path = Path(tempfile.mkdtemp(prefix=f".{run_date}.staging-{os.getpid()}-", dir=out_root))
    path.chmod(0o755)  # mkdtemp makes it private; published reports are readable like mkdir's
    return path


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_leftovers(out_root: Path) -> list[Path]:
    """Delete staging / old folders whose process is gone (killed runs); return them."""
    removed: list[Path] = []
    if not out_root.is_dir():
        return removed
    for p in out_root.iterdir():
        m = _LEFTOVER_RE.match(p.name)
        if m and p.is_dir() and not _alive(int(m.group(1))):
            shutil.rmtree(p, ignore_errors=True)
            removed.append(p)
    return removed


@contextlib.contextmanager
def root_lock(out_root: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``<out_root>/.playbook.lock`` (waits for other runs).

    Held only for the swap and the root index, i.e. milliseconds. Without ``fcntl``
    (Windows) the swaps are not serialised; each run still has its own staging folder.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    with open(out_root / LOCK_FILE, "a+") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def swap_in(staging: Path, final: Path) -> None:
    """Replace the folder ``final`` by ``staging`` (call under :func:`root_lock`).

    Between the two renames ``final`` is briefly absent; it is never half-written.
    """
    old = None
    if final.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{final.name}.old-{os.getpid()}-", dir=final.parent))
        old.rmdir()
        os.rename(final, old)
    try:
        os.rename(staging, final)
    except BaseException:
        if old is not None:
            os.rename(old, final)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
