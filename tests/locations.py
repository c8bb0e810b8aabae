"""Where the tests find the repository, their fixtures and the public data sets."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
SAMPLE = ROOT / "data" / "sample"
#: The real public data sets live beside the repository, never in it (their licences).
REALDATA = ROOT.parent / "shared" / "realdata"
