"""URLs of this area (included by web/urls.py under /structure/)."""

from django.urls import path

from recouvrement.web.exports import export_paths
from recouvrement.web.structure import collaborators, customers, letters, lists, scenarios
from recouvrement.web.structure import company as company_views
from recouvrement.web.structure import journal as journal_views
from recouvrement.web.structure import journal_export as journal_export_views
from recouvrement.web.structure import rates as rate_views
from recouvrement.web.structure import users as user_views

urlpatterns = [
    path("scenarios/", scenarios.scenario_list, name="scenario_list"),
    path("scenarios/nouveau/", scenarios.scenario_create, name="scenario_create"),
    path("scenarios/<int:pk>/", scenarios.scenario_detail, name="scenario_detail"),
    path("modeles/", letters.letter_template_list, name="letter_template_list"),
    path("modeles/<int:pk>/", letters.letter_template_edit, name="letter_template_edit"),
    path(
        "modeles/<int:pk>/apercu/", letters.letter_template_preview, name="letter_template_preview"
    ),
    path("collaborateurs/", collaborators.collaborator_list, name="collaborator_list"),
    path("collaborateurs/nouveau/", collaborators.collaborator_edit, name="collaborator_create"),
    path("collaborateurs/<int:pk>/", collaborators.collaborator_edit, name="collaborator_edit"),
    path("clients/", customers.customer_list, name="customer_list"),
    path("clients/nouveau/", customers.customer_edit, name="customer_create"),
    path("clients/<int:pk>/", customers.customer_edit, name="customer_edit"),
    path("listes/", lists.list_values, name="list_values"),
    path("taux/", rate_views.rate_list, name="rate_list"),
    path("journal/", journal_views.journal_list, name="journal_list"),
    *export_paths("journal/export", journal_export_views.journal_export, "journal_list_export"),
    path("societe/", company_views.company_settings, name="company_settings"),
    path("societe/logo/", company_views.company_logo_image, name="company_logo"),
    path("utilisateurs/", user_views.user_list, name="user_list"),
    path("utilisateurs/nouveau/", user_views.user_create, name="user_create"),
    path("utilisateurs/<int:pk>/", user_views.user_edit, name="user_edit"),
    path("utilisateurs/<int:pk>/desactiver/", user_views.user_deactivate, name="user_deactivate"),
    path("utilisateurs/<int:pk>/reactiver/", user_views.user_reactivate, name="user_reactivate"),
    path("utilisateurs/<int:pk>/debloquer/", user_views.user_unlock, name="user_unlock"),
    path("utilisateurs/debloquer-adresse/", user_views.address_unlock, name="address_unlock"),
    path(
        "utilisateurs/<int:pk>/reinitialiser/",
        user_views.user_password_reset,
        name="user_password_reset",
    ),
]
