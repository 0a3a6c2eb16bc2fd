"""``manage.py db_app_role <role>``: the application's PostgreSQL role (see sas_platform.dbroles)."""

import os

from django.core.management.base import BaseCommand
from django.db import connection

from sas_platform.dbroles import app_role_grant


class Command(BaseCommand):
    help = (
        "Crée (si besoin) le rôle PostgreSQL de l'application et lui donne ses droits : lecture et "
        "écriture des tables, mais seulement INSERT et SELECT sur le journal d'audit."
    )

    def add_arguments(self, parser):
        parser.add_argument("role", nargs="?", default=os.environ.get("DB_APP_ROLE", ""))
        parser.add_argument(
            "--password-env",
            default="DB_APP_PASSWORD",
            help="Variable d'environnement contenant le mot de passe du rôle (facultatif).",
        )

    def handle(self, *args, role: str, password_env: str, **options):
        if connection.vendor != "postgresql":
            self.stdout.write("Base embarquée (SQLite) : pas de rôle PostgreSQL à créer.")
            return
        if not role:
            self.stdout.write("DB_APP_ROLE non défini : rôle applicatif non configuré.")
            return
        statements = app_role_grant(role=role, password=os.environ.get(password_env) or None)
        self.stdout.write(f"Rôle {role} : {len(statements)} instructions appliquées.")
