"""Issue 13 §3: « Annuler l'envoi » — an outbox row a user cancelled (status `cancelled`),
which the worker never takes (it claims `pending` and `sending` rows only)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("recouvrement", "0013_search_key"),
    ]

    operations = [
        migrations.AlterField(
            model_name="outgoingemail",
            name="status",
            field=models.CharField(
                choices=[
                    ("pending", "À envoyer"),
                    ("sending", "Envoi en cours"),
                    ("sent", "Envoyé"),
                    ("failed", "En échec"),
                    ("cancelled", "Annulé"),
                ],
                default="pending",
                max_length=10,
                verbose_name="statut",
            ),
        ),
    ]
