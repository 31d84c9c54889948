"""The one-time tokens of the web « Première installation » (PRODUCT §9 O1)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("recouvrement", "0007_company_settings")]

    operations = [
        migrations.CreateModel(
            name="FirstRunToken",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "digest",
                    models.CharField(max_length=64, unique=True, verbose_name="empreinte SHA-256"),
                ),
                ("created_at", models.DateTimeField(verbose_name="émis le")),
            ],
            options={"verbose_name": "jeton de première installation"},
        ),
    ]
