from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "dieuhanh.plans"
    label = "plans"
