from django.apps import AppConfig


class RecouvrementWebConfig(AppConfig):
    name = "recouvrement.web"
    label = "recouvrement_web"
    verbose_name = "Recouvrement (interface)"
