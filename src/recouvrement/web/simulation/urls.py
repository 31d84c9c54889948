"""URLs of this area (included by web/urls.py)."""

from django.urls import path

from recouvrement.web.simulation import views

urlpatterns = [path("simulation/", views.simulation, name="simulation")]
