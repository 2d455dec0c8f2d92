from django.apps import AppConfig


class InnovationConfig(AppConfig):
    name = "dieuhanh.innovation"
    label = "innovation"

    def ready(self):
        from dieuhanh.actions import register_auth

        register_auth(self.name)  # this app's authorisation functions (auth.py), one per action
