"""Digests become one per address and period. The old per-subscription rows carry nothing
the scheduler cannot rebuild: a subscription's `covered_until` moves only once its digest
is sent, so an unsent digest is claimed again, per address, on the next run, and a sent
one has already moved it. Deleting them (in their own migration, before the schema
changes, as PostgreSQL wants) loses no e-mail and sends none twice."""

from django.db import migrations


def forget_digests(apps, schema_editor):
    apps.get_model("resources", "Digest").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("resources", "0030_recommendation_key_information")]

    operations = [migrations.RunPython(forget_digests, migrations.RunPython.noop)]
