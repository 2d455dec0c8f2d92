"""The ``dieuhanh`` console command: Django's management commands under one name.

``dieuhanh demo``, ``dieuhanh serve``, ``dieuhanh migrate``, ``dieuhanh load_units`` … are all
management commands; this wrapper only sets the settings module.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dieuhanh.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["dieuhanh", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
