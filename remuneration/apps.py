from django.apps import AppConfig


class RemunerationConfig(AppConfig):
    name = "remuneration"
    verbose_name = "Rémunérations"
