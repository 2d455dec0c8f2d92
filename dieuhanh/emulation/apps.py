from django.apps import AppConfig


class EmulationConfig(AppConfig):
    name = "dieuhanh.emulation"
    label = "emulation"

    def ready(self):
        from dieuhanh.actions import register_auth

        register_auth(self.name)  # this app's authorisation functions (auth.py), one per action
