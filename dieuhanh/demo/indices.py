"""The demo's composite indices: the shipped frameworks (PII, DTI 922/405, the ward index), COINr's ASEM example
with its pipeline (computed, with an uncertainty analysis), and the ward digital-transformation index for 2026
computed from the demo's own data (the dossiers the demo loads for Decision 766, its tasks and its indicator
values), each with its uncertainty analysis. Idempotent: a second run changes nothing that is already there."""

from __future__ import annotations

import pandas as pd
import yaml

from dieuhanh.core.coin.examples import ASEM_DIR, ASEM_PIPELINE
from dieuhanh.indices.models import Framework, Run, RunKind, RunStatus
from dieuhanh.indices.selectors import default_run
from dieuhanh.indices.services import dataset_import, framework_import, index_run, methodology_save, uncertainty_run
from dieuhanh.indices.shipped import DEFAULT_UNCERTAINTY, load_shipped
from dieuhanh.indices.ward import FRAMEWORK as WARD, ward_index
from dieuhanh.units.models import Unit
from dieuhanh.units.selectors import city_code

YEAR = 2026


def _computed(framework: Framework, kind: str = RunKind.PIPELINE) -> bool:
    return Run.objects.filter(framework=framework, kind=kind, status=RunStatus.DONE).exists()


def load_indices(*, actor) -> list[str]:
    lines = []
    shipped = load_shipped(actor=actor)
    lines.append("index frameworks: " + ", ".join(f.code for f in shipped))
    # COINr's ASEM example, as a COINr user would bring it.
    asem = framework_import(actor=actor, owner=Unit.objects.get(code=city_code()), code="ASEM", name="ASEM Sustainable Connectivity (COINr example)",
                            imeta=pd.read_csv(ASEM_DIR / "ASEM_iMeta.csv", dtype=object),
                            description="The example of COINr (JRC): 51 countries, 49 indicators, 8 pillars, 2 sub-indices.",
                            source="COINr (R package, MIT licence, © 2022 William Becker), example data ASEM.")
    if not asem.datasets.exists():
        dataset_import(actor=actor, framework=asem, code="ASEM2018", name="ASEM 2018", idata=pd.read_csv(ASEM_DIR / "ASEM_iData.csv", dtype=object),
                       source="COINr example data")
    m = methodology_save(actor=actor, framework=asem, code="COINR", name="Ví dụ của COINr (JRC)", steps=yaml.safe_load(ASEM_PIPELINE.read_text(encoding="utf-8")),
                         uncertainty=DEFAULT_UNCERTAINTY)
    if not _computed(asem):
        run = index_run(actor=actor, framework=asem, dataset=asem.datasets.get(), methodology=m, year=2018)
        lines.append(f"ASEM: {run.status}")
    if not _computed(asem, RunKind.UNCERTAINTY):
        run = uncertainty_run(actor=actor, framework=asem, dataset=asem.datasets.get(), methodology=m, year=2018, replications=500)
        lines.append(f"ASEM uncertainty: {run.status}")
    ward = Framework.objects.get(code=WARD)
    if not _computed(ward):
        lines += ward_index(actor=actor, year=YEAR, run=True)
    if not _computed(ward, RunKind.UNCERTAINTY):
        nominal = default_run(ward)
        if nominal is not None:
            run = uncertainty_run(actor=actor, framework=ward, dataset=nominal.dataset, methodology=nominal.methodology, year=YEAR,
                                  replications=500)
            lines.append(f"ward index uncertainty: {run.status}")
    return lines
