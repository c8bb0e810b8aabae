"""Intake: read a data folder into the contract tables without losing a row.

A data folder holds files named after contract tables (``orders.csv``, ``orders.csv.gz``,
``orders.xlsx``, ``orders.parquet``, also ``orders_2026-10.csv`` for monthly splits) and/or
platform exports (e.g. a Taobao 订单报表 with Chinese headers) that a *mapping* recognises by
their headers. :func:`load_dataset` reads every file, maps it onto the contract
(:mod:`helpers.contract`), validates every row and returns a :class:`Dataset`:

* ``tables`` - the contract tables with canonical dtypes;
* ``quarantine`` - every input row that could not be accepted, with the file, the row number a
  spreadsheet would show (header = row 1, first data row = row 2), the column(s), the offending
  value(s) and the reason(s). Nothing is dropped silently: for every (table, file)
  ``rows_read == rows_accepted + rows_quarantined``;
* ``sources`` - one row per (table, file): which mapping read it, the row counts, the columns
  that were dropped and a note (unrecognised files are listed with mapping ``ignored``).

Personal data (names, phones, addresses, payment accounts, buyer messages ...) never reaches a
contract table, the quarantine or the sources: mappings list those columns, hash the buyer
nickname into a pseudonymous ``customer_id`` (HMAC-SHA256 under a secret key,
:mod:`helpers.privacy`) and may keep the delivery province before dropping the address; phone
and ID-card numbers typed into free text are masked.

Validated results are cached as Parquet under ``cache_dir/<fingerprint>/``; the fingerprint
covers the bytes of the data files, the mapping text, the salt, the timezone and
:data:`INTAKE_VERSION`, so a changed input is always re-read.

How :func:`load_dataset` works, step by step:

1. list the data files of the folder and fingerprint them with the mapping texts; on a cache
   hit return the cached :class:`Dataset` (``cache``);
2. read each file's header row (``readers``); a file named after a contract table that has the
   table's required columns is read as it is, parsed and validated row by row (``apply``,
   ``parsing``, ``validate``);
3. the other files are offered to the mappings (``mapping``), which recognise them by their
   headers; a mapping builds contract columns from its column specs (``columns``, with
   conditions and arithmetic from ``expressions``), joins and groups rows (``aggregate``) and
   validates the result (``apply``, ``validate``);
4. the parts of each table are combined across files, and duplicate keys and references to
   parents that were not accepted are quarantined (``validate``);
5. the tables, the quarantine and the sources become a :class:`Dataset` (``dataset``), which is
   written to the cache (``cache``).

Modules, each depending only on the ones above it:

* ``dataset`` - :class:`Dataset`, :class:`IntakeError`, the quarantine and sources columns;
* ``parsing`` - cell text cleaning, parsing to the canonical dtypes;
* ``readers`` - data files: names, CSV encodings (UTF-8, GB18030), ``.xlsx``, Parquet;
* ``expressions`` - conditions (``where``/``reject``), ``expr`` arithmetic, ``template``;
* ``mapping`` - the mapping file format (:class:`SourceMapping`), the built-in mappings;
* ``validate`` - row validation, quarantine records, duplicate keys and references;
* ``columns`` - column specs evaluated on an export (hashing, provinces, ``expr`` ...);
* ``aggregate`` - ``group_by`` tables and joins of multi-file mappings;
* ``apply`` - contract-named files and mapped exports to validated (table, file) parts;
* ``cache`` - the fingerprint of the inputs and the Parquet cache;
* ``load`` - :func:`load_dataset`, the entry point.
"""

from __future__ import annotations

from helpers.contract import TABLES as TABLES
from helpers.intake.cache import (
    INTAKE_VERSION,
    default_cache_dir,
    fingerprint_inputs,
    source_digest,
)
from helpers.intake.columns import PROVINCES
from helpers.intake.dataset import (
    QUARANTINE_COLUMNS,
    SOURCES_COLUMNS,
    Dataset,
    IntakeError,
    quarantined_input_rows,
)
from helpers.intake.expressions import Condition
from helpers.intake.load import load_dataset
from helpers.intake.mapping import (
    AGGREGATIONS,
    BUILTIN_MAPPINGS_DIR,
    MAIN_ROLE,
    SETTINGS_HINT_KEYS,
    Block,
    ColumnSpec,
    FileRole,
    Join,
    Reject,
    SourceMapping,
    builtin_mappings,
    load_mapping,
)
from helpers.intake.readers import DATA_SUFFIXES
from helpers.intake.validate import MASK

__all__ = [
    "AGGREGATIONS",
    "BUILTIN_MAPPINGS_DIR",
    "DATA_SUFFIXES",
    "INTAKE_VERSION",
    "MAIN_ROLE",
    "MASK",
    "PROVINCES",
    "QUARANTINE_COLUMNS",
    "SETTINGS_HINT_KEYS",
    "SOURCES_COLUMNS",
    "Block",
    "ColumnSpec",
    "Condition",
    "Dataset",
    "FileRole",
    "IntakeError",
    "Join",
    "Reject",
    "SourceMapping",
    "builtin_mappings",
    "default_cache_dir",
    "fingerprint_inputs",
    "load_dataset",
    "load_mapping",
    "quarantined_input_rows",
    "source_digest",
]
