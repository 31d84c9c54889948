"""The e-mail outbox (§5, ARCHITECTURE rule 4): intent recorded in the transaction, sent after."""

from django.db import models
from django.db.models import Q

from recouvrement.db.models.company import Company
from recouvrement.db.models.interventions import Intervention


class OutgoingEmail(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "À envoyer"
        SENDING = "sending", "Envoi en cours"
        SENT = "sent", "Envoyé"
        FAILED = "failed", "En échec"
        # A user stopped it (« Annuler l'envoi »): the worker never takes it (§3).
        CANCELLED = "cancelled", "Annulé"

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="+")
    intervention = models.ForeignKey(Intervention, on_delete=models.PROTECT, related_name="emails")
    recipient = models.EmailField("destinataire")
    subject = models.CharField("objet", max_length=255)
    body = models.TextField("texte")
    attachment_name = models.CharField("pièce jointe", max_length=100)
    # Recorded before the first try: the SMTP Message-ID and the idempotency key of the send.
    message_id = models.CharField(max_length=200, unique=True)
    status = models.CharField(
        "statut", max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField("essais", default=0)
    next_attempt_at = models.DateTimeField("prochain essai")
    last_error = models.TextField("dernière erreur", blank=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    sent_at = models.DateTimeField("envoyé le", null=True, blank=True)

    class Meta:
        verbose_name = "e-mail sortant"
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status__in=["pending", "sending"]),
                name="outbox_due",
            )
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {self.recipient}"
