"""Where the data are and why a file was not used: the sub-folder holding the data when the
folder given has none (a download unpacked one level down), and the plain-language notes and
hints about a file no mapping took (closest mapping, its missing headers, how the file was
read, and what to change)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from helpers.contract import TABLES
from helpers.intake.dataset import IntakeError
from helpers.intake.mapping import SourceMapping
from helpers.intake.readers import ReadInfo, _list_files, _read_raw, _suffix, _table_for_name

_MANDATORY = frozenset(t.name for t in TABLES.values() if t.mandatory)


@dataclass(frozen=True)
class DataRoot:
    """The folder whose files are read, and the note saying it is a sub-folder (or "")."""

    folder: Path
    files: tuple[Path, ...]
    note: str = ""
    note_zh: str = ""


def _readable(path: Path, mappings: list[SourceMapping]) -> bool:
    """Whether intake would try to read the file (a data ending, or named by a mapping)."""
    return _suffix(path) is not None or any(m.layout_for(path) for m in mappings)


def _tables_given(folder: Path, mappings: list[SourceMapping]) -> set[str]:
    """Contract tables the files of ``folder`` would give, judged by header rows only."""
    tables: set[str] = set()
    headers: dict[Path, list[str]] = {}
    for path in _list_files(folder):
        if not _readable(path, mappings):
            continue
        try:
            header = list(_read_raw(path, header_only=True, layout=_layout(path, mappings)).columns)
        except IntakeError:
            continue
        tname = _table_for_name(path)
        if tname is not None and set(TABLES[tname].required_columns) <= {h.lower() for h in header}:
            tables.add(tname)
        headers[path] = header
    for m in mappings:
        roles = {m.role_for(p, h) for p, h in headers.items()} - {None}
        if all(r.optional or r.name in roles for r in m.files.values()):
            tables |= {b.table for b in m.blocks if b.role in roles}
    return tables


def _layout(path: Path, mappings: list[SourceMapping]):  # type: ignore[no-untyped-def]
    return next((m.layout_for(path) for m in mappings if m.layout_for(path)), None)


def data_root(root: Path, mappings: list[SourceMapping]) -> DataRoot:
    """The folder to read: ``root`` when it holds a data file, else its one sub-folder whose
    files give orders and order lines.

    Raises
    ------
    IntakeError
        The folder holds no data file and no sub-folder (or several) with orders and order
        lines; the message names the sub-folders to pass instead.
    """
    files = _list_files(root)
    if any(_readable(p, mappings) for p in files):
        return DataRoot(root, tuple(files))
    subs = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))
    if not subs:
        return DataRoot(root, tuple(files))
    complete = [s for s in subs if _tables_given(s, mappings) >= _MANDATORY]
    if len(complete) == 1:
        sub = complete[0]
        note = (
            f"the folder {root.name!r} holds no data file; read its sub-folder {sub.name!r} "
            f"(the only one with orders and order lines; others: "
            f"{', '.join(s.name for s in subs if s != sub) or 'none'})"
        )
        note_zh = (
            f"文件夹「{root.name}」中没有数据文件，已读取其子文件夹「{sub.name}」"
            "（唯一包含订单和订单明细的子文件夹）"
        )
        return DataRoot(sub, tuple(_list_files(sub)), note, note_zh)
    names = ", ".join(s.name for s in subs)
    if complete:
        raise IntakeError(
            f"data folder {root.name!r} holds no data file but several sub-folders with "
            f"orders and order lines ({', '.join(s.name for s in complete)}); pass one of "
            f"them as the data folder, e.g. --data {root.name}/{complete[0].name}"
        )
    raise IntakeError(
        f"data folder {root.name!r} holds no data file, and none of its sub-folders ({names}) "
        "has orders and order lines a mapping recognises; pass the folder that holds the "
        "export files as the data folder"
    )


def layout_hint(header: list[str], info: ReadInfo, *, contract: bool = False) -> str:
    """What to change when a header row looks misread (delimiter, header row), or "".
    ``contract``: the file is named after a contract table (no mapping reads it)."""
    if len(header) == 1 and header[0]:
        cell = header[0]
        for ch, name in ((";", "semicolon"), ("|", "pipe"), ("\t", "tab")):
            if ch in cell:
                fix = (
                    "save it comma-separated (or read it through a mapping whose file role "
                    f"sets 'delimiter: {name}')"
                    if contract
                    else f"set 'delimiter: {name}' in the mapping's file role (detect: or files:)"
                )
                return (
                    f"the header row reads as one column holding {ch!r}: the file looks "
                    f"{name}-separated; {fix}"
                )
        if len(cell.split()) > 2:
            return (
                "the header row reads as one column of words separated by blanks; set "
                "'delimiter: whitespace' in the mapping's file role"
            )
    unnamed = sum(1 for h in header if not h or h.lower().startswith("unnamed"))
    if header and (unnamed * 2 >= len(header) or len(header) <= 1):
        fix = (
            "move the header to the first line"
            if contract
            else "set 'header_row: <line>' in the mapping's file role"
        )
        return (
            f"the header found on line {info.header_line} has few names: if the header is on "
            f"another line (a title row above it), {fix}"
        )
    return ""


def unrecognised_note(
    header: list[str], info: ReadInfo, mappings: list[SourceMapping]
) -> tuple[str, SourceMapping | None]:
    """Why no mapping took a file: the closest mapping (and file role) with the headers it
    lacks, how the file was read and a hint; also the closest mapping (None if none is
    near: it shares no detection header)."""
    near = []
    for m in mappings:
        role, miss = m.closest_role(header)
        if role.headers and len(miss) < len(role.headers):
            near.append((len(miss) / len(role.headers), m, role, miss))
    note = "no mapping recognises its headers"
    best = None
    if near:
        _, best, role, miss = min(near, key=lambda t: t[0])
        what = best.name if not best.multi_file else f"{best.name}, file {role.name}"
        note += f" (closest: {what}, missing {', '.join(miss)})"
    bits = [note, info.describe()]
    hint = layout_hint(header, info)
    if hint:
        bits.append(hint)
    return "; ".join(bits), best


def mapping_misfit(header: list[str], info: ReadInfo, mapping: SourceMapping) -> str:
    """For a mapping given by name: which of its headers a file lacks, how it was read and
    what to change."""
    role, miss = mapping.closest_role(header)
    what = f"mapping {mapping.name!r}" + (f" (file {role.name})" if mapping.multi_file else "")
    shown = ", ".join(header[:8]) + (" ..." if len(header) > 8 else "")
    bits = [
        f"{what} needs header(s) {', '.join(miss)}",
        f"{info.describe()}",
        f"headers found: {shown or 'none'}",
    ]
    hint = layout_hint(header, info)
    bits.append(
        hint
        or "export the file with those columns, or copy the mapping and point it to the "
        "file's own header names (aliases:)"
    )
    return "; ".join(bits)
