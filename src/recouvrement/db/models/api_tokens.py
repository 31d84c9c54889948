"""Personal API tokens (issue 14 §3, B7): a user's key to /api/v1/, with their role and company.

Only the SHA-256 of the token is kept (`key_hash`), with a short prefix to tell tokens apart in
lists; the plain text is shown once when created (services.api_tokens). The rate limit counts
the calls of the current minute here, in the database, so every process serving the same
database shares one count: `window_start` is the minute counted, `window_count` its calls.
"""

from django.conf import settings
from django.db import models


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField("nom", max_length=100)
    key_hash = models.CharField("empreinte SHA-256", max_length=64, unique=True)
    prefix = models.CharField("début du jeton", max_length=12)
    created_at = models.DateTimeField("créé le")
    last_used_at = models.DateTimeField("dernière utilisation", null=True, blank=True)
    revoked_at = models.DateTimeField("révoqué le", null=True, blank=True)
    window_start = models.DateTimeField("minute comptée", null=True, blank=True)
    window_count = models.PositiveIntegerField("appels dans la minute", default=0)

    class Meta:
        verbose_name = "jeton d'API"
        verbose_name_plural = "jetons d'API"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
