"""B12: the company's « âge maximal du dernier import comptable » (issue 15 §4)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("recouvrement", "0017_dashboard_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="company",
            name="max_import_age_days",
            field=models.PositiveSmallIntegerField(
                default=7, verbose_name="âge maximal du dernier import comptable (jours)"
            ),
        ),
    ]
