import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("recouvrement", "0023_stored_files")]

    operations = [
        migrations.AddField(
            model_name="company",
            name="daily_run_at",
            field=models.TimeField(
                blank=True, null=True, verbose_name="Heure de la préparation quotidienne"
            ),
        ),
        migrations.AddField(
            model_name="company",
            name="daily_letters",
            field=models.BooleanField(
                default=False, verbose_name="Imprimer les courriers du jour dans un lot"
            ),
        ),
        migrations.CreateModel(
            name="ScheduledRun",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=20, verbose_name="tâche")),
                ("slot", models.CharField(max_length=40, verbose_name="créneau")),
                (
                    "task_id",
                    models.CharField(blank=True, max_length=64, verbose_name="tâche en file"),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("queued", "En file"),
                            ("running", "En cours"),
                            ("done", "Terminée"),
                            ("refused", "Refusée"),
                            ("failed", "En échec"),
                        ],
                        default="queued",
                        max_length=10,
                        verbose_name="état",
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="créée le")),
                (
                    "started_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="commencée le"),
                ),
                (
                    "finished_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="terminée le"),
                ),
                ("summary", models.JSONField(blank=True, default=dict, verbose_name="résumé")),
                ("error", models.TextField(blank=True, verbose_name="erreur")),
                (
                    "company",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="scheduled_runs",
                        to="recouvrement.company",
                        verbose_name="société",
                    ),
                ),
            ],
            options={
                "verbose_name": "exécution planifiée",
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("company__isnull", False)),
                        fields=("name", "company", "slot"),
                        name="scheduled_run_once_per_company",
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("company__isnull", True)),
                        fields=("name", "slot"),
                        name="scheduled_run_once",
                    ),
                ],
            },
        ),
    ]
