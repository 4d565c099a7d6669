"""The `metropoli` console command: Django's management commands under one name.

`metropoli migrate`, `metropoli load_demo`, `metropoli territory import-boundaries FILE` ...
Module commands with sub-commands (territory, trees, sensors, cooperation) are ordinary
management commands that take the sub-command as their first argument.
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "metropoli.config.settings.local")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv)
    argv[0] = "metropoli"
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
