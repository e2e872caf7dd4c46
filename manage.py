#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ilo_plan.settings")
    from django.core.management import execute_from_command_line
    from django_scopes import scopes_disabled

    # Commands are the operator's, above every entity (core.scoping): unscoped. A server started
    # from here (runserver) serves each request in a thread of its own, which starts without this
    # and gets its scope from the middleware.
    with scopes_disabled():
        execute_from_command_line(sys.argv)
