"""The three staff roles used to be created here; they are now created by `ilo_plan`'s migration
0002_roles, since the roles hold permissions on the models of `goals` and `alignment`, apps above
this one, which this app's migrations may not depend on.

On a database where this migration already ran, nothing changes: its groups stay, and
ilo_plan 0002 adds to them only what is missing (it is idempotent). On a new database this
migration does nothing and ilo_plan 0002 creates the roles. It keeps its name so that Django
still sees it as applied, and lost its dependencies on goals, alignment and authtoken."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0002_reading_value_in_unit_range"),
    ]

    operations = []
