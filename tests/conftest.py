"""Shared test setup: the ``tests/`` folder is importable (``tiny_shop``, ``locations``), so
the hand-made fixtures are shared by every test package."""
