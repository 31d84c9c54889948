"""O2: the company's legal mentions, default payment terms and logo (issue 11 §2)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("recouvrement", "0006_batch_indexes_and_keys"),
    ]

    operations = [
        migrations.CreateModel(
            name="CompanyLogo",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("content", models.BinaryField(verbose_name="image")),
                (
                    "format",
                    models.CharField(
                        choices=[("png", "PNG"), ("jpg", "JPEG"), ("svg", "SVG")],
                        max_length=3,
                        verbose_name="format",
                    ),
                ),
                ("sha256", models.CharField(max_length=64)),
                ("uploaded_at", models.DateTimeField(verbose_name="déposé le")),
            ],
            options={
                "verbose_name": "logo",
            },
        ),
        migrations.AddField(
            model_name="company",
            name="default_payment_terms_days",
            field=models.PositiveSmallIntegerField(
                default=30, verbose_name="délai de paiement par défaut des clients (jours)"
            ),
        ),
        migrations.AddField(
            model_name="company",
            name="legal_form",
            field=models.CharField(blank=True, max_length=40, verbose_name="forme juridique"),
        ),
        migrations.AddField(
            model_name="company",
            name="rcs_city",
            field=models.CharField(blank=True, max_length=60, verbose_name="ville du greffe (RCS)"),
        ),
        migrations.AddField(
            model_name="company",
            name="share_capital",
            field=models.DecimalField(
                blank=True,
                decimal_places=2,
                max_digits=12,
                null=True,
                verbose_name="capital social",
            ),
        ),
        migrations.AddField(
            model_name="company",
            name="vat_number",
            field=models.CharField(
                blank=True, max_length=15, verbose_name="n° TVA intracommunautaire"
            ),
        ),
        migrations.AlterField(
            model_name="company",
            name="iban",
            field=models.CharField(blank=True, max_length=42, verbose_name="IBAN"),
        ),
        migrations.AddConstraint(
            model_name="company",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("share_capital__gte", 0), ("share_capital__isnull", True), _connector="OR"
                ),
                name="company_share_capital_positive",
            ),
        ),
        migrations.AddField(
            model_name="companylogo",
            name="company",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="logo",
                to="recouvrement.company",
            ),
        ),
    ]
