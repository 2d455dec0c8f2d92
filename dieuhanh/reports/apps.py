from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "dieuhanh.reports"
    label = "reports"

    def ready(self):
        from dieuhanh.actions import register_auth
        from dieuhanh.notifications.daily import register_daily
        from dieuhanh.plans.inbox_sections import register_inbox_section

        register_auth(self.name)  # this app's authorisation functions (auth.py), one per action
        register_daily("dieuhanh.reports.reminders.rounds_due")  # report rounds due soon or overdue, in the daily run
        register_inbox_section("dieuhanh.reports.round_views.inbox_section")  # the unit reports waiting for the person
        from dieuhanh.reports import jobs, widgets  # noqa: F401  the build job and the cockpit block "report rounds due"
