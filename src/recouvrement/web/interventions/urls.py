"""URLs of this area (included by web/urls.py)."""

urlpatterns: list = []
