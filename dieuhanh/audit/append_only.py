"""Append-only tables at the database level (PostgreSQL): refusing TRUNCATE, and the SQL that runs the application
under a role that cannot change them.

Row triggers refuse UPDATE and DELETE (``audit/migrations/0002``, ``portal/migrations/0002``); a statement trigger
refuses TRUNCATE (``forbid_truncate``). A table's owner can still disable a trigger, so in production the application
connects as a role that owns nothing (``app_role_sql``): it may INSERT and SELECT on the append-only tables and
nothing more, while migrations run as the owner. See docs/SECURITY.md.
"""

from __future__ import annotations

# Tables the application only ever appends to and reads.
APPEND_ONLY_TABLES = ("audit_auditevent", "portal_release", "portal_releasetable")

_FUNCTION = """
CREATE OR REPLACE FUNCTION dieuhanh_refuse_truncate() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: TRUNCATE refused', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
"""


def forbid_truncate(schema_editor, tables) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(_FUNCTION, params=None)  # no placeholders: the % is RAISE's
    for table in tables:
        schema_editor.execute(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                              "FOR EACH STATEMENT EXECUTE FUNCTION dieuhanh_refuse_truncate();")


def allow_truncate(schema_editor, tables) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in tables:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")


def _ident(name: str) -> str:
    if not name.replace("_", "").isalnum():
        raise ValueError(f"not a plain role name: {name!r}")
    return f'"{name}"'


def app_role_sql(role: str, schema: str = "public") -> list[str]:
    """Statements (run by the owner, after ``migrate``) that let ``role`` run the application: read and write every
    table, but only SELECT and INSERT on the append-only ones (no UPDATE, DELETE, TRUNCATE, nor owning them).
    Run again after each migration that adds tables. The role itself is created by the DBA (with its password)."""
    r, s = _ident(role), _ident(schema)
    tables = ", ".join(APPEND_ONLY_TABLES)
    return [
        f"GRANT USAGE ON SCHEMA {s} TO {r}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {s} TO {r}",
        f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA {s} TO {r}",
        f"REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON {tables} FROM {r}",
    ]
