from django.apps import AppConfig


class IndicesConfig(AppConfig):
    name = "dieuhanh.indices"
    label = "indices"
