"""``python -m helpers`` is the same as the ``playbook`` command."""

from helpers.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
