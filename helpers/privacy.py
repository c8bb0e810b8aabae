"""Private data stays private: the pseudonym key, keyed pseudonyms and masking of free text.

Pseudonyms
    A buyer nickname becomes ``customer_id = prefix + HMAC-SHA256(key, nickname)[:length]``.
    The key is secret: without it nobody can recompute an id from a guessed nickname (Taobao
    nicknames such as ``tb`` + 8 digits are few enough to try them all against an unkeyed
    hash). The key is, in this order:

    1. ``pii_salt`` in ``playbook.yaml`` when it is set (a key the user supplies, e.g. to get
       the same ids on two machines); a short one, or the old documented default
       ``playbook``, gives a notice (:func:`key_notice`);
    2. otherwise this installation's key file (:func:`key_file`), made at first use from
       the operating system's cryptographic random source (32 bytes), readable by its owner
       only, outside every data and report folder.

    Losing the key file changes every customer id (repeat-purchase history restarts); copy
    it with the same care as a password when moving the installation.

Free text
    Phone numbers (Chinese mobiles, with or without +86) and Chinese resident ID-card
    numbers typed into free-text fields (refund reasons, channel names, titles ...) are
    replaced by :data:`MASK_PHONE` / :data:`MASK_ID_CARD` at intake, before they reach a
    table, the cache, a chart, a report or ``summary.json`` (:func:`mask_text`).
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import re
import secrets
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from helpers import columnar

#: Environment variable naming the key file (tests and multi-user setups).
KEY_FILE_ENV = "PLAYBOOK_KEY_FILE"
KEY_FILE_NAME = "pseudonym.key"
KEY_BYTES = 32
#: A user-supplied key shorter than this gives a notice.
MIN_KEY_CHARS = 16
#: The salt the docs once gave as the default; anyone can recompute ids made with it.
OLD_DEFAULT_KEY = "playbook"

MASK_PHONE = "[phone]"
MASK_PERSONAL = "<personal data removed>"
MASK_ID_CARD = "[id-card]"
_PHONE_RE = re.compile(r"(?<![0-9])(?:(?:\+|00)?86[- ]?)?1[3-9][0-9](?:[- ]?[0-9]{4}){2}(?![0-9])")
_ID_CARD_RE = re.compile(
    r"(?<![0-9A-Za-z])[1-9][0-9]{5}(?:19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])"
    r"[0-9]{3}[0-9Xx](?![0-9A-Za-z])"
)

#: Cells that may hold a phone or ID-card number (the only ones :func:`mask_text` can change).
_MAYBE_NUMBER = r"[0-9]{11}|[0-9]{4}[- ]"


class PseudonymKeyError(ValueError):
    """The key file exists but cannot be used (readable by others, damaged)."""


def key_file() -> Path:
    """Where this installation's key lives: ``$PLAYBOOK_KEY_FILE``, else
    ``$XDG_CONFIG_HOME/ecom-playbook/pseudonym.key`` (``~/.config/...`` by default)."""
    if os.environ.get(KEY_FILE_ENV):
        return Path(os.environ[KEY_FILE_ENV])
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "ecom-playbook" / KEY_FILE_NAME


def _create_key(path: Path) -> None:
    """Write a new random key to ``path`` (owner-only); a key made meanwhile by another
    process wins."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, tmp = tempfile.mkstemp(prefix=".key-", dir=path.parent)  # mode 0600
    try:
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(secrets.token_hex(KEY_BYTES) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        with contextlib.suppress(FileExistsError):  # atomic, never overwrites a key
            os.link(tmp, path)
    finally:
        os.unlink(tmp)


def _read_key(path: Path) -> bytes:
    mode = path.stat().st_mode
    if os.name == "posix" and mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise PseudonymKeyError(
            f"pseudonym key {path} is readable by other users; make it private with "
            f"'chmod 600 {path}'"
        )
    text = path.read_text(encoding="ascii", errors="replace").strip()
    if not re.fullmatch(r"[0-9a-f]{64,}", text):
        raise PseudonymKeyError(
            f"pseudonym key {path} is damaged (expected 64 hex digits); restore it from a copy "
            "(a new key changes every customer id)"
        )
    return bytes.fromhex(text)


def installation_key() -> bytes:
    """This installation's secret key, made at first use (see module doc)."""
    path = key_file()
    if not path.is_file():
        _create_key(path)
    return _read_key(path)


def pseudonym_key(supplied: str | None) -> bytes:
    """The key for pseudonyms: ``supplied`` (``Settings.pii_salt``) when set, else the
    installation key."""
    if supplied:
        return supplied.encode("utf-8")
    return installation_key()


def key_id(key: bytes) -> str:
    """A non-secret name of ``key`` (for cache keys): ids made with another key differ."""
    return hashlib.sha256(b"ecom-playbook key id\0" + key).hexdigest()[:16]


def key_notice(supplied: str | None) -> str | None:
    """A notice when the supplied key is weak (None when it is fine or not supplied)."""
    if not supplied:
        return None
    if supplied == OLD_DEFAULT_KEY:
        why = f"is the old documented default {OLD_DEFAULT_KEY!r}"
    elif len(supplied) < MIN_KEY_CHARS:
        why = f"has only {len(supplied)} characters"
    else:
        return None
    return (
        f"notice: pii_salt {why}: anyone can recompute customer ids from guessed nicknames. "
        f"Remove pii_salt to use this installation's secret key, or set at least "
        f"{MIN_KEY_CHARS} random characters."
    )


def pseudonyms(values: pd.Series, *, key: bytes, prefix: str, length: int) -> pd.Series:
    """``prefix + HMAC-SHA256(key, value)[:length]`` for every non-empty value (per distinct
    value); an empty ``key`` gives the plain ``sha256(value)`` (ids that are not personal)."""
    present = values.dropna().astype("str")

    def digest(u: str) -> str:
        data = u.encode("utf-8")
        if key:
            return hmac.new(key, data, hashlib.sha256).hexdigest()[:length]
        return hashlib.sha256(data).hexdigest()[:length]

    ids = {u: prefix + digest(u) for u in pd.unique(present)}
    return values.astype("object").where(values.isna(), values.map(ids))


def mask_text(text: str) -> str:
    """``text`` with phone and ID-card numbers replaced by :data:`MASK_PHONE` /
    :data:`MASK_ID_CARD`."""
    return _PHONE_RE.sub(MASK_PHONE, _ID_CARD_RE.sub(MASK_ID_CARD, text))


def mask_series(values: pd.Series) -> pd.Series:
    """:func:`mask_text` on every text value of ``values`` (others unchanged)."""
    if not (pd.api.types.is_object_dtype(values) or pd.api.types.is_string_dtype(values)):
        return values
    found = columnar.contains(values, _MAYBE_NUMBER)  # one vectorized scan of the column
    if found is not None:
        has = pd.Series(found, index=values.index)
    else:  # not all text: cell by cell
        has = values.map(lambda v: isinstance(v, str) and bool(re.search(_MAYBE_NUMBER, v)))
    if not has.any():
        return values
    out = values.copy()
    out[has] = values[has].map(mask_text)
    return out


def free_text_columns(table: str) -> list[str]:
    """The text columns of contract table ``table`` that a person types freely (titles,
    reasons, channels ...): text, no closed set of values, not an id."""
    from helpers.contract import TABLES

    return [
        c.name
        for c in TABLES[table].columns
        if c.dtype == "str" and not c.allowed and not c.name.endswith("_id")
    ]


def map_free_text(
    tables: dict[str, pd.DataFrame], change: Callable[[pd.Series], pd.Series]
) -> dict[str, pd.DataFrame]:
    """Every contract table with ``change`` applied to each of its free-text columns
    (:func:`free_text_columns`); a table without such columns is passed on as it is."""
    out = {}
    for name, df in tables.items():
        cols = [c for c in free_text_columns(name) if c in df.columns]
        out[name] = df.assign(**{c: change(df[c]) for c in cols}) if cols else df
    return out


def mask_tables(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Every contract table with phone and ID-card numbers masked in its free-text columns."""
    return map_free_text(tables, mask_series)


def mask_quarantine(quarantine: pd.DataFrame, personal: tuple[str, ...] = ()) -> pd.DataFrame:
    """The quarantine with phone and ID-card numbers masked in its ``value`` and ``reason``
    text, and the whole value masked for the columns named in ``personal``."""
    if not len(quarantine):
        return quarantine
    out = quarantine.assign(
        value=mask_series(quarantine["value"]), reason=mask_series(quarantine["reason"])
    )
    if personal:
        hit = out["column"].isin(personal)
        out.loc[hit, "value"] = MASK_PERSONAL
    return out


def private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) readable by its owner only; an existing folder of ours
    is made private too (a cache holds customer ids and quarantined values)."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    if os.name == "posix" and path.stat().st_uid == os.getuid():
        path.chmod(0o700)
    return path


def make_private(folder: Path) -> None:
    """Files under ``folder``: owner read/write only; folders: owner only."""
    for p in Path(folder).rglob("*"):
        p.chmod(0o700 if p.is_dir() else 0o600)
    Path(folder).chmod(0o700)
