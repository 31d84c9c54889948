from django.apps import AppConfig


class RecouvrementWebConfig(AppConfig):
    name = "recouvrement.web"
    label = "recouvrement_web"
    verbose_name = "Recouvrement (interface)"

    def ready(self) -> None:
        # O3: every login and failure is journaled (services.logins' signal receivers), after
        # axes has counted it (axes is listed before this app in INSTALLED_APPS).
        from recouvrement.services import logins  # noqa: F401
