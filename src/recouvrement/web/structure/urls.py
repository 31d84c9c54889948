"""URLs of this area (included by web/urls.py under /structure/)."""

from django.urls import path

from recouvrement.web.structure import views

urlpatterns = [
    path("scenarios/", views.scenario_list, name="scenario_list"),
    path("scenarios/nouveau/", views.scenario_create, name="scenario_create"),
    path("scenarios/<int:pk>/", views.scenario_detail, name="scenario_detail"),
    path("modeles/", views.letter_template_list, name="letter_template_list"),
    path("modeles/<int:pk>/", views.letter_template_edit, name="letter_template_edit"),
    path("modeles/<int:pk>/apercu/", views.letter_template_preview, name="letter_template_preview"),
    path("collaborateurs/", views.collaborator_list, name="collaborator_list"),
    path("collaborateurs/nouveau/", views.collaborator_edit, name="collaborator_create"),
    path("collaborateurs/<int:pk>/", views.collaborator_edit, name="collaborator_edit"),
    path("clients/", views.customer_list, name="customer_list"),
    path("clients/nouveau/", views.customer_edit, name="customer_create"),
    path("clients/<int:pk>/", views.customer_edit, name="customer_edit"),
    path("listes/", views.list_values, name="list_values"),
]
