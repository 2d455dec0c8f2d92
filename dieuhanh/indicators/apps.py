from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "dieuhanh.indicators"
    label = "indicators"

    def ready(self):
        from dieuhanh.actions import register_auth

        register_auth(self.name)  # this app's authorisation functions (auth.py), one per action
        from dieuhanh.indicators import jobs  # noqa: F401  the large values imports as background jobs
