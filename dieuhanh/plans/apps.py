from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "dieuhanh.plans"
    label = "plans"

    def ready(self):
        from dieuhanh.actions import register_auth
        from dieuhanh.notifications.daily import register_daily

        register_auth(self.name)  # this app's authorisation functions (auth.py), one per action
        from dieuhanh.plans import jobs  # noqa: F401  the large Excel imports as background jobs
        register_daily("dieuhanh.plans.reminders.tasks_due")  # due-soon and overdue tasks, in the daily run
