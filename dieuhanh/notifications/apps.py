from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "dieuhanh.notifications"
    label = "notifications"

    def ready(self):
        from dieuhanh.actions import register_auth

        register_auth(self.name)  # this app's authorisation functions (auth.py), one per action
        from dieuhanh.notifications import jobs  # noqa: F401  the daily run as a periodic background job
