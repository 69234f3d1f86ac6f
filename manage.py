#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys

# Commands that read only code, never a database or a secret: they run without the production
# variables. Everything else keeps the secure default and refuses to start without them.
CODE_ONLY_COMMANDS = {"makemigrations", "makemessages", "compile_translations"}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "notlagen.settings")
    if len(sys.argv) > 1 and sys.argv[1] in CODE_ONLY_COMMANDS:
        os.environ.setdefault("NOTLAGEN_MODE", "development")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
