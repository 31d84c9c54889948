"""Issue 16 §1: the files the database storage keeps (db/storage.py), one row per file."""

from django.db import models


class StoredFile(models.Model):
    """One stored file: written once under a name never reused, read whole, never updated."""

    name = models.CharField(max_length=255, unique=True)
    content = models.BinaryField()
    size = models.BigIntegerField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "fichier stocké"

    def __str__(self) -> str:
        return self.name
