from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "dieuhanh.indicators"
    label = "indicators"
