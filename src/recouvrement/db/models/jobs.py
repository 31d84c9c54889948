"""The schedule's claims (issue 16 §3): one row per run the workers' clock started.

`recouvrement worker` ticks a schedule (`recouvrement.jobs.schedule`): the company's daily
run at its hour, the e-mail outbox every minute. Each start is one row, inserted in the
transaction that enqueues its task; the unique constraints make a second worker's insert
fail, so a run fires once however many workers tick. The row then carries the run's outcome.
"""

from django.db import models
from django.db.models import Q

from recouvrement.db.models.company import Company


class ScheduledRun(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "En file"
        RUNNING = "running", "En cours"
        DONE = "done", "Terminée"
        REFUSED = "refused", "Refusée"
        FAILED = "failed", "En échec"

    name = models.CharField("tâche", max_length=20)  # "daily", "outbox"…
    company = models.ForeignKey(
        Company,
        verbose_name="société",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="scheduled_runs",
    )
    # The local (Europe/Paris) date of a daily run, « 2026-12-02 », or its minute,
    # « 2026-12-02T09:15 ».
    slot = models.CharField("créneau", max_length=40)
    task_id = models.CharField("tâche en file", max_length=64, blank=True)
    status = models.CharField("état", max_length=10, choices=Status.choices, default=Status.QUEUED)
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    started_at = models.DateTimeField("commencée le", null=True, blank=True)
    finished_at = models.DateTimeField("terminée le", null=True, blank=True)
    summary = models.JSONField("résumé", default=dict, blank=True)
    error = models.TextField("erreur", blank=True)

    class Meta:
        verbose_name = "exécution planifiée"
        # UNIQUE (name, company, slot): NULLs are distinct in a unique index, so the runs
        # without a company (the outbox) have their own partial index on (name, slot).
        constraints = [
            models.UniqueConstraint(
                fields=["name", "company", "slot"],
                condition=Q(company__isnull=False),
                name="scheduled_run_once_per_company",
            ),
            models.UniqueConstraint(
                fields=["name", "slot"],
                condition=Q(company__isnull=True),
                name="scheduled_run_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.slot}"

    def as_json(self) -> dict:
        return {
            "id": self.pk,
            "name": self.name,
            "company": self.company_id,
            "slot": self.slot,
            "task": self.task_id,
            "status": self.status,
            "summary": self.summary,
            "error": self.error,
        }
