#!/usr/bin/env python
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "library.settings")
    # manage.py is the developer's tool: debug unless the environment says otherwise.
    # Servers set DJANGO_DEBUG=0 for every process (gunicorn's wsgi.py defaults to off).
    os.environ.setdefault("DJANGO_DEBUG", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
