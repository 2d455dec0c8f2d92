from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "dieuhanh.access"
    label = "access"
