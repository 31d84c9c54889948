"""URLs of this area (included by web/urls.py under /structure/)."""

from django.urls import path

from recouvrement.web.structure import collaborators, customers, letters, lists, scenarios

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
]
