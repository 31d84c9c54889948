"""URLs of the first run (included by web/urls.py at the root)."""

from django.urls import path

from recouvrement.web.setup import views

urlpatterns = [
    path("premiere-installation/", views.first_run, name="first_run"),
]
