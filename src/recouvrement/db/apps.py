from django.apps import AppConfig


class RecouvrementDbConfig(AppConfig):
    name = "recouvrement.db"
    label = "recouvrement"
    verbose_name = "Recouvrement"
