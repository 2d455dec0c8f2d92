"""Decision 766/QĐ-TTg: service quality of administrative procedures, computed from dossier logs.

Framework-free: the schemas of dossiers, the procedure catalogue and feedback (``schema.py``), the scoring rules
and deadlines as data (``rules.py``), the Vietnamese working calendar (``calendar.py``, holidays in
``data/holidays_vn.csv``), the metric definitions written once with Ibis so they run on DuckDB here and on a
distributed engine elsewhere (``metrics.py``), a plain pandas reference of the same rules (``reference.py``),
ingestion (``ingest.py``) and a synthetic generator (``generate.py``).
"""
