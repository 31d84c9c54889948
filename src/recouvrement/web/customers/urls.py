"""URLs of this area (included by web/urls.py)."""

from django.urls import path

from recouvrement.web.customers import views

urlpatterns = [
    path("clients/<int:pk>/", views.customer_detail, name="customer_detail"),
    path("clients/<int:pk>/releve.pdf", views.customer_statement, name="customer_statement"),
]
