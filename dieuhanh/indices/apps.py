from django.apps import AppConfig


class IndicesConfig(AppConfig):
    name = "dieuhanh.indices"
    label = "indices"

    def ready(self):
        from dieuhanh.actions import register_auth

        register_auth(self.name)  # this app's authorisation functions (auth.py), one per action
        from dieuhanh.indices import jobs  # noqa: F401  the uncertainty run as a background job
