#!/usr/bin/env python
"""Django's command-line utility for the SAS & CPTS platform."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sas_platform.settings.base")
    from django.core.management import execute_from_command_line

    from sas_platform.settings.environment import EnvironmentVariableError

    try:
        execute_from_command_line(sys.argv)
    except EnvironmentVariableError as exc:
        # One line naming the variable, no traceback (README "Configuration").
        sys.stderr.write(f"Configuration invalide : {exc}\n")
        sys.exit(2)


if __name__ == "__main__":
    main()
