"""`civichub <command>`: the platform's command line (Django's management commands).

`civichub councils add E07000087`, `civichub audit verify`, `civichub demo` and every Django
command (migrate, createsuperuser, ...) run through here.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civichub.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv if argv is None else argv)
    argv[0] = "civichub"
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
