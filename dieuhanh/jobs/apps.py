from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "dieuhanh.jobs"
    label = "jobs"

    def ready(self):
        from dieuhanh.actions import register_auth

        register_auth(self.name)  # this app's authorisation functions (auth.py), one per action
        from dieuhanh.jobs import runner  # noqa: F401  the django-tasks task that runs a job
