from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "dieuhanh.portal"
    label = "portal"

    def ready(self):
        from dieuhanh.actions import register_auth

        register_auth(self.name)  # this app's authorisation functions (auth.py), one per action
        from dieuhanh.portal import jobs  # noqa: F401  publishing a release as a background job
