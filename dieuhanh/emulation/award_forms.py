"""The forms of award as data: ``data/award_forms.json`` written into ``AwardForm`` rows (by migration 0002; again by
tests whose database was emptied by a flush). The model is passed in, so the migration gives its historical one."""

from __future__ import annotations

import json
from pathlib import Path

FORMS = Path(__file__).resolve().parent / "data" / "award_forms.json"


def load_forms(model) -> int:
    """Create or update one row per form of the file; returns how many."""
    rows = json.loads(FORMS.read_text(encoding="utf-8"))["forms"]
    for position, row in enumerate(rows, start=1):
        model.objects.update_or_create(code=row["code"], defaults={
            "name_vi": row["name_vi"], "name_en": row["name_en"], "nominee": row["nominee"], "decided_by": row["decided_by"],
            "level": row["level"], "needed_scope": row["needed_scope"], "confirmed": row["confirmed"], "position": position})
    return len(rows)
