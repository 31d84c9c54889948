"""URLs of this area (included by web/urls.py)."""

from django.urls import path

from recouvrement.web.interventions import reopen, views

urlpatterns = [
    path("dossiers/<int:pk>/preparer/", views.prepare, name="dossier_prepare"),
    path("dossiers/<int:pk>/fermer/", views.close, name="dossier_close"),
    path(
        "dossiers/<int:pk>/interventions/nouvelle/",
        views.create,
        name="intervention_create",
    ),
    path("interventions/<int:pk>/enregistrer/", views.save_entry, name="intervention_save"),
    path("interventions/<int:pk>/statut/", views.change_status, name="intervention_status"),
    path("interventions/<int:pk>/impression/", views.print_window, name="intervention_print"),
    path("interventions/<int:pk>/apercu.pdf", views.letter_preview, name="intervention_preview"),
    path("interventions/<int:pk>/courrier.pdf", views.letter_pdf, name="intervention_letter"),
    path("interventions/<int:pk>/lot.pdf", views.letter_batch, name="intervention_batch"),
    path("interventions/<int:pk>/document/", views.document, name="intervention_document"),
    path("interventions/<int:pk>/attacher/", views.attach, name="intervention_attach"),
    path("interventions/<int:pk>/supprimer/", views.delete, name="intervention_delete"),
    path("interventions/<int:pk>/remettre-a-faire/", reopen.reopen, name="intervention_reopen"),
]
