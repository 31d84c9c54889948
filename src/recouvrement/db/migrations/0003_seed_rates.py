"""Seed the published ECB refinancing and legal interest rates (B2; domain.rates)."""

from django.db import migrations

from recouvrement.db.models.rates import seed_published_rates


def seed(apps, schema_editor):
    seed_published_rates(
        apps.get_model("recouvrement", "EcbRate"), apps.get_model("recouvrement", "LegalRate")
    )


class Migration(migrations.Migration):
    dependencies = [("recouvrement", "0002_append_only_triggers")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
