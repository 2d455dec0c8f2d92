from django.apps import AppConfig


class DossiersConfig(AppConfig):
    name = "dieuhanh.dossiers"
    label = "dossiers"
