"""The one-time tokens of the web « Première installation » (PRODUCT §9 O1).

`recouvrement serve` issues one on start while the database holds no company and prints it;
only its SHA-256 is kept, here, so that every process serving the same database (several
workers, a restart) accepts it, and nobody reading the database can use it. The first
company's creation deletes them all (services.companies).
"""

from django.db import models


class FirstRunToken(models.Model):
    digest = models.CharField("empreinte SHA-256", max_length=64, unique=True)
    created_at = models.DateTimeField("émis le")

    class Meta:
        verbose_name = "jeton de première installation"

    def __str__(self) -> str:
        return f"Jeton émis le {self.created_at:%d/%m/%Y %H:%M}"
