"""``dieuhanh app_role dieuhanh_app [--apply]``: the grants that let a role that owns nothing run the application,
with only SELECT and INSERT on the audit log and the published releases (see docs/SECURITY.md).

Without ``--apply`` it prints the SQL for the DBA; with ``--apply`` it runs it on the configured database (as the
owner that ran ``migrate``). Run it again after each upgrade's ``migrate``."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from dieuhanh.audit.append_only import app_role_sql


class Command(BaseCommand):
    help = "Print (or apply) the grants for the application's database role: no UPDATE/DELETE/TRUNCATE on the audit log."

    def add_arguments(self, parser):
        parser.add_argument("role")
        parser.add_argument("--apply", action="store_true", help="run the statements on the configured database")

    def handle(self, *args, role: str, apply: bool, **options):
        if connection.vendor != "postgresql":
            raise CommandError("database roles are a PostgreSQL feature; the SQLite demo runs as one user")
        try:
            statements = app_role_sql(role)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        if not apply:
            self.stdout.write(";\n".join(statements) + ";")
            return
        with transaction.atomic(), connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
        self.stdout.write(f"granted {role}: read/write on the tables, only SELECT and INSERT on the append-only ones")
