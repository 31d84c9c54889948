"""Issue 14 §3: personal API tokens (stored hashed) and their per-minute call count."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("recouvrement", "0015_today_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="ApiToken",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=100, verbose_name="nom")),
                (
                    "key_hash",
                    models.CharField(max_length=64, unique=True, verbose_name="empreinte SHA-256"),
                ),
                ("prefix", models.CharField(max_length=12, verbose_name="début du jeton")),
                ("created_at", models.DateTimeField(verbose_name="créé le")),
                (
                    "last_used_at",
                    models.DateTimeField(
                        blank=True, null=True, verbose_name="dernière utilisation"
                    ),
                ),
                (
                    "revoked_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="révoqué le"),
                ),
                (
                    "window_start",
                    models.DateTimeField(blank=True, null=True, verbose_name="minute comptée"),
                ),
                (
                    "window_count",
                    models.PositiveIntegerField(default=0, verbose_name="appels dans la minute"),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="api_tokens",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={"verbose_name": "jeton d'API", "verbose_name_plural": "jetons d'API"},
        ),
    ]
