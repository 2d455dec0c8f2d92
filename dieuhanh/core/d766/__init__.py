"""Decision 766/QĐ-TTg: service quality of administrative procedures, computed from dossier logs.

Framework-free: the schema (``schema.py``), the scoring rules as data (``rules.py``), the metric definitions
written once with Ibis so they run on DuckDB here and on a distributed engine elsewhere (``metrics.py``), a plain
pandas reference of the same rules (``reference.py``), ingestion (``ingest.py``) and a synthetic generator
(``generate.py``).
"""
