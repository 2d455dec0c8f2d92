"""Notifications: what a person is told in the app (the bell and its list) and by e-mail (immediately or in a daily
digest, as they chose). Every producer — plans, indicators, difficulties, the daily run — calls ``services.notify``."""
