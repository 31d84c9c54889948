"""Accounting imports (B4): each file previewed or applied, and the saved CSV column mappings."""

from django.conf import settings
from django.db import models


class ImportFormat(models.TextChoices):
    FEC = "fec", "FEC (fichier des écritures comptables)"
    CSV = "csv", "CSV des échéances ouvertes"


class ImportStatus(models.TextChoices):
    PREVIEW = "preview", "Aperçu"
    APPLIED = "applied", "Importé"


class JobState(models.TextChoices):
    """« Importer » on the page: the import run by `recouvrement worker` (`jobs.imports`)."""

    QUEUED = "queued", "En attente"
    RUNNING = "running", "En cours"
    DONE = "done", "Terminé"
    FAILED = "failed", "Échoué"


class JobPhase(models.TextChoices):
    READING = "reading", "Lecture du fichier"
    WRITING = "writing", "Enregistrement"


def _import_path(record: "AccountingImport", filename: str) -> str:
    # Generated names only: the user's file name is kept as data, never used as a path.
    return f"imports/{record.sha256[:2]}/{record.sha256}"


class AccountingImport(models.Model):
    """One accounting file: kept while previewed, then as the evidence of what was imported."""

    company = models.ForeignKey("recouvrement.Company", on_delete=models.PROTECT)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField("déposé le", auto_now_add=True)
    applied_at = models.DateTimeField("importé le", null=True)
    status = models.CharField(max_length=7, choices=ImportStatus, default=ImportStatus.PREVIEW)
    file = models.FileField(upload_to=_import_path, max_length=200)
    original_name = models.CharField("fichier", max_length=255)
    size = models.BigIntegerField("taille (octets)")
    sha256 = models.CharField(max_length=64)
    file_format = models.CharField("format", max_length=3, choices=ImportFormat)
    csv_mapping = models.JSONField("colonnes CSV", null=True, blank=True)
    as_of = models.DateField("arrêté au", null=True)
    summary = models.JSONField("résultat", default=dict)
    # The background job of « Importer » (empty for an import run in the request: API, CLI).
    job_id = models.CharField("tâche", max_length=64, blank=True)
    job_state = models.CharField(max_length=7, choices=JobState, blank=True)
    job_phase = models.CharField(max_length=7, choices=JobPhase, blank=True)
    job_message = models.TextField(blank=True)
    lines_done = models.PositiveIntegerField(default=0)
    lines_total = models.PositiveIntegerField(null=True)
    job_queued_at = models.DateTimeField(null=True)
    job_started_at = models.DateTimeField(null=True)
    job_progress_at = models.DateTimeField(null=True)  # the worker's last sign of life
    job_finished_at = models.DateTimeField(null=True)

    class Meta:
        verbose_name = "import comptable"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["company", "status", "as_of"], name="import_by_status")]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_status_display()})"


class SavedCsvMapping(models.Model):
    """The columns of one source's CSV of open items, saved under a name (imports.CsvMapping)."""

    company = models.ForeignKey("recouvrement.Company", on_delete=models.CASCADE)
    name = models.CharField("nom", max_length=60)
    mapping = models.JSONField("colonnes")

    class Meta:
        verbose_name = "format CSV"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "name"],
                name="csv_mapping_name_unique",
                violation_error_message="Un format CSV porte déjà ce nom.",
            )
        ]

    def __str__(self) -> str:
        return self.name
