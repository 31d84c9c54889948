"""Seed the published ECB refinancing and legal interest rates (B2; domain.rates)."""

from django.db import migrations

from recouvrement.domain.rates import ECB_REFI_RATES, LEGAL_RATES_OTHER_CASES

ECB_SOURCE = "BCE, taux des opérations principales de refinancement"
LEGAL_SOURCE = "Arrêté semestriel, taux de l'intérêt légal « tous les autres cas »"


def seed(apps, schema_editor):
    for model, rows, source in (
        ("EcbRate", ECB_REFI_RATES, ECB_SOURCE),
        ("LegalRate", LEGAL_RATES_OTHER_CASES, LEGAL_SOURCE),
    ):
        rate_model = apps.get_model("recouvrement", model)
        for day, rate in rows:
            rate_model.objects.get_or_create(
                effective_date=day, defaults={"rate": rate, "source": source}
            )


class Migration(migrations.Migration):
    dependencies = [("recouvrement", "0002_append_only_triggers")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
