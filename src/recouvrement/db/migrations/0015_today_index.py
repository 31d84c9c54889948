"""Issue 13 §6: « Aujourd'hui » counts the user's alerts and promises « A faire » due by today
on every page (the menu's badge). A partial index holds only those rows, so the count reads a
few entries at 100,000 dossiers (≈1.3 ms instead of ≈129 ms for a whole company) and the
steps that `prepare` writes by the million never enter it."""

from django.db import migrations, models
from django.db.models import Q


class Migration(migrations.Migration):
    dependencies = [
        ("recouvrement", "0014_outbox_cancel"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="intervention",
            index=models.Index(
                condition=Q(status="todo", kind__in=["alert", "promise"]),
                fields=["company", "kind", "planned_date", "queue_collector_id"],
                name="today_alerts",
            ),
        ),
    ]
