"""The fingerprint of the inputs and the Parquet cache of validated data sets
(``cache_dir/<fingerprint>/``)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from types import ModuleType

import pandas as pd
import pyarrow.parquet as pq

from helpers.contract import TABLES
from helpers.intake.dataset import Dataset, _canon_quarantine, _canon_sources
from helpers.intake.narrow import CachedTables
from helpers.notices import notice
from helpers.privacy import key_id, make_private, private_dir, pseudonym_key
from helpers.settings import Settings

#: Bump when intake output for the same input changes (invalidates every cache entry).
#: The cache key also holds a digest of the intake code itself (:func:`source_digest`), so
#: an upgraded or edited intake never serves tables validated by an older one.
INTAKE_VERSION = "3"


def source_digest(*modules: ModuleType) -> str:
    """sha256 of the source files of ``modules`` (a package counts with all its ``.py``).

    Part of every cache key: results computed by other code are never read back.
    """
    h = hashlib.sha256()
    for mod in modules:
        path = Path(str(mod.__file__))
        files = sorted(path.parent.glob("*.py")) if path.name == "__init__.py" else [path]
        for f in files:
            h.update(f.name.encode("utf-8") + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()[:16]


def default_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/ecom-playbook``, else ``~/.cache/ecom-playbook``."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "ecom-playbook"


def fingerprint_inputs(files: Iterable[Path], mapping_texts: Iterable[str], settings: Settings):
    """sha256 over sorted (file name, bytes), the mapping texts, the pseudonym key's id
    (:func:`helpers.privacy.key_id`, never the key), the timezone,
    :data:`INTAKE_VERSION` and the digest of the intake code."""
    import helpers.contract
    import helpers.intake

    h = hashlib.sha256()
    h.update(f"intake-version={INTAKE_VERSION}\0".encode())
    h.update(f"code={source_digest(helpers.intake, helpers.contract)}\0".encode())
    for p in sorted(files, key=lambda x: x.name):
        h.update(b"file\0" + p.name.encode("utf-8") + b"\0")
        with open(p, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
        h.update(b"\0")
    for text in mapping_texts:
        h.update(b"mapping\0" + text.encode("utf-8") + b"\0")
    h.update(b"key\0" + key_id(pseudonym_key(settings.pii_salt)).encode() + b"\0")
    h.update(b"tz\0" + settings.timezone.encode("utf-8"))
    h.update(b"\0intake\0" + repr(settings.intake).encode("utf-8"))
    return h.hexdigest()


_MANIFEST = "manifest.json"
DIGESTS_FILE = "digests.json"


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def write_digests(folder: Path) -> None:
    """Record the sha256 of every file under ``folder`` in ``folder/digests.json``."""
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.name != DIGESTS_FILE)
    digests = {p.relative_to(folder).as_posix(): _sha256(p) for p in files}
    (folder / DIGESTS_FILE).write_text(json.dumps(digests, sort_keys=True), encoding="utf-8")


def verify_digests(folder: Path) -> str | None:
    """None when every file listed in ``folder/digests.json`` is there unchanged; else what
    is wrong (a truncated, edited or missing file, or no digests at all)."""
    try:
        digests = json.loads((folder / DIGESTS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "no readable digests.json"
    if not isinstance(digests, dict) or not digests:
        return "no readable digests.json"
    for name, digest in sorted(digests.items()):
        path = folder / str(name)
        if not path.is_file():
            return f"{name} missing"
        if _sha256(path) != digest:
            return f"{name} changed since it was written"
    return None


def discard_damaged(folder: Path, problem: str) -> None:
    """Remove a damaged cache entry (so it is rebuilt) and say so with a notice."""
    notice(f"damaged cache entry {folder.name[:12]} ({problem}); rebuilt from the data")
    trash = folder.with_name(f".damaged-{folder.name}-{os.getpid()}")
    try:
        os.rename(folder, trash)
    except OSError:
        return
    shutil.rmtree(trash, ignore_errors=True)


class CacheWriter:
    """Writes one data set's cache entry (``root/<fingerprint>/``) table by table, each
    table as soon as it is final, in a background thread (Parquet encoding and the disk
    write release the interpreter, so they overlap the intake of the next table).

    The entry appears only when :meth:`close` has written everything (a temporary folder
    renamed at the end); a cache that cannot be written is not an error: the entry is
    then simply not made. Used as a context manager, an intake that fails leaves no
    temporary folder behind.
    """

    def __init__(self, root: Path, fingerprint: str) -> None:
        self.final = root / fingerprint
        self.tmp: Path | None = None
        self.futures: list[Future[None]] = []
        self.pool: ThreadPoolExecutor | None = None
        if (self.final / _MANIFEST).is_file():
            return
        try:
            private_dir(root)  # owner-only: it holds customer ids and quarantined values
            self.tmp = Path(tempfile.mkdtemp(prefix=f".{fingerprint[:12]}-", dir=root))
            (self.tmp / "tables").mkdir()
        except OSError:
            self.abandon()
            return
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cache-writer")

    def __enter__(self) -> CacheWriter:
        return self

    def __exit__(self, kind: object, *_: object) -> None:
        if kind is not None:
            self.abandon()

    def add(self, name: str, df: pd.DataFrame) -> None:
        """Start writing table ``name`` (``df`` must not change afterwards)."""
        if self.tmp is not None and self.pool is not None:
            path = self.tmp / "tables" / f"{name}.parquet"
            self.futures.append(self.pool.submit(_write_parquet, df, path))

    def close(self, ds: Dataset) -> None:
        """Wait for the tables, write the quarantine, sources, manifest and digests, and
        publish the entry (rename)."""
        if self.tmp is None:
            return
        tmp = self.tmp
        try:
            for future in self.futures:
                future.result()
            ds.quarantine.to_parquet(tmp / "quarantine.parquet", index=False)
            ds.sources.to_parquet(tmp / "sources.parquet", index=False)
            manifest = {
                "intake_version": INTAKE_VERSION,
                "tables": sorted(ds.tables),
                "settings_hints": ds.settings_hints,
                "notes": list(ds.notes),
            }
            (tmp / _MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
            write_digests(tmp)
            make_private(tmp)
            try:
                os.rename(tmp, self.final)
            except OSError:  # another process won the race; its copy is identical
                shutil.rmtree(tmp, ignore_errors=True)
        except Exception:  # noqa: BLE001 - a cache that cannot be written is not an error
            shutil.rmtree(tmp, ignore_errors=True)
        finally:
            self.tmp = None
            self._stop()

    def abandon(self) -> None:
        """Give up the entry: wait for the writes under way, remove the temporary folder."""
        self._stop()
        if self.tmp is not None:
            shutil.rmtree(self.tmp, ignore_errors=True)
            self.tmp = None

    def _stop(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True)
            self.pool = None


def _write_parquet(df: pd.DataFrame, path: Path) -> None:
    df.to_parquet(path, index=False)


def _write_cache(root: Path, ds: Dataset) -> None:
    """Write the whole data set ``ds`` as its cache entry (see :class:`CacheWriter`)."""
    with CacheWriter(root, ds.fingerprint) as writer:
        for name, df in ds.tables.items():
            writer.add(name, df)
        writer.close(ds)


def _read_cache(root: Path, fingerprint: str) -> Dataset | None:
    d = root / fingerprint
    manifest = d / _MANIFEST
    if not manifest.is_file():
        return None
    problem = verify_digests(d)
    if problem is not None:
        discard_damaged(d, problem)
        return None
    try:
        meta = json.loads(manifest.read_text(encoding="utf-8"))
        # each table is read when first asked for; its file's footer is checked now
        names = [str(name) for name in meta["tables"] if name in TABLES]
        for name in names:
            pq.read_metadata(d / "tables" / f"{name}.parquet")
        tables = CachedTables(d / "tables", names)
        quarantine = _canon_quarantine(pd.read_parquet(d / "quarantine.parquet"))
        sources = _canon_sources(pd.read_parquet(d / "sources.parquet"))
    except Exception as exc:  # noqa: BLE001 - a broken cache entry is re-built
        discard_damaged(d, f"unreadable: {type(exc).__name__}")
        return None
    hints = {str(k): str(v) for k, v in (meta.get("settings_hints") or {}).items()}
    notes = tuple(
        {str(k): str(v) for k, v in n.items()}
        for n in (meta.get("notes") or [])
        if isinstance(n, dict)
    )
    return Dataset(
        tables,
        quarantine,
        sources,
        fingerprint,
        from_cache=True,
        settings_hints=hints,
        notes=notes,
    )
