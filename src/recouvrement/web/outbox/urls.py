"""URLs of this area (included by web/urls.py)."""

from django.urls import path

from recouvrement.web.outbox import views

urlpatterns = [
    path("envois/", views.outbox_list, name="outbox_list"),
    path("interventions/<int:pk>/e-mail/", views.email, name="intervention_email"),
    path(
        "interventions/<int:pk>/e-mail/piece-jointe.pdf",
        views.email_attachment,
        name="intervention_email_pdf",
    ),
    path("interventions/<int:pk>/e-mail/envoyer/", views.send_now, name="intervention_email_send"),
    path("interventions/<int:pk>/e-mail/annuler/", views.cancel, name="intervention_email_cancel"),
    path("interventions/<int:pk>/e-mail/preparer/", views.queue, name="intervention_email_queue"),
]
