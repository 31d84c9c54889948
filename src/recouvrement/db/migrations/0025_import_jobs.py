from django.db import migrations, models


def _when() -> models.DateTimeField:
    return models.DateTimeField(null=True)


class Migration(migrations.Migration):
    dependencies = [("recouvrement", "0024_scheduled_runs")]

    operations = [
        migrations.AddField(
            model_name="accountingimport",
            name="job_id",
            field=models.CharField(blank=True, max_length=64, verbose_name="tâche"),
        ),
        migrations.AddField(
            model_name="accountingimport",
            name="job_state",
            field=models.CharField(
                blank=True,
                choices=[
                    ("queued", "En attente"),
                    ("running", "En cours"),
                    ("done", "Terminé"),
                    ("failed", "Échoué"),
                ],
                max_length=7,
            ),
        ),
        migrations.AddField(
            model_name="accountingimport",
            name="job_phase",
            field=models.CharField(
                blank=True,
                choices=[("reading", "Lecture du fichier"), ("writing", "Enregistrement")],
                max_length=7,
            ),
        ),
        migrations.AddField(
            model_name="accountingimport",
            name="job_message",
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name="accountingimport",
            name="lines_done",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="accountingimport",
            name="lines_total",
            field=models.PositiveIntegerField(null=True),
        ),
        migrations.AddField(model_name="accountingimport", name="job_queued_at", field=_when()),
        migrations.AddField(model_name="accountingimport", name="job_started_at", field=_when()),
        migrations.AddField(model_name="accountingimport", name="job_progress_at", field=_when()),
        migrations.AddField(model_name="accountingimport", name="job_finished_at", field=_when()),
    ]
