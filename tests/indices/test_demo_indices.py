"""The demo's indices load on a bare platform (no dossiers, no indicator values) and a second load changes nothing."""

from __future__ import annotations

from dieuhanh.audit.models import AuditEvent
from dieuhanh.demo.indices import load_indices
from dieuhanh.indices.models import Framework, Run
from tests.conftest import SYSTEM


def test_demo_indices_load_once_and_compute_asem(hcmc, settings, tmp_path):
    settings.DIEUHANH_DUCKDB_PATH = tmp_path / "none.duckdb"
    lines = load_indices(actor=SYSTEM)
    assert set(Framework.objects.values_list("code", flat=True)) == {"PII", "DTI922", "DTI405", "PHUONG_CDS", "ASEM"}
    assert "ASEM: done" in lines and "ASEM uncertainty: done" in lines
    assert any("no ward has any data yet" in line for line in lines)
    events, runs = AuditEvent.objects.count(), Run.objects.count()
    load_indices(actor=SYSTEM)
    assert (AuditEvent.objects.count(), Run.objects.count()) == (events, runs)
