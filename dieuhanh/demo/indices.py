"""The demo's composite indices: the shipped frameworks (PII, DTI 922/405, the ward index), COINr's ASEM example
with its pipeline (computed, with an uncertainty analysis; marked as an example, listed last), the ward
digital-transformation index for 2026 computed from the demo's own data (the dossiers the demo loads for Decision
766, its tasks and its indicator values; synthetic, and labelled so), each with its uncertainty analysis, and PII
and DTI computed by their shipped methodology over a SYNTHETIC data set of the 34 provinces (the published
reports give totals only, not the pillar or main-indicator scores the methodology needs). Idempotent: a second run
changes nothing that is already there."""

from __future__ import annotations

import numpy as np
import pandas as pd
import yaml
from vietnam_provinces import Province

from dieuhanh.core.coin.examples import ASEM_DIR, ASEM_PIPELINE
from dieuhanh.indices.models import Framework, Methodology, Run, RunKind, RunStatus
from dieuhanh.indices.selectors import default_run
from dieuhanh.indices.services import dataset_import, framework_import, index_run, methodology_save, uncertainty_run
from dieuhanh.indices.shipped import DEFAULT_UNCERTAINTY, load_shipped
from dieuhanh.indices import tables
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
    # replace: a demo loaded before ASEM was marked as an example takes the mark (the tree is the same).
    asem = framework_import(actor=actor, owner=Unit.objects.get(code=city_code()), code="ASEM",
                            name="Kết nối bền vững ASEM (ví dụ của COINr)", imeta=pd.read_csv(ASEM_DIR / "ASEM_iMeta.csv", dtype=object),
                            description="Ví dụ của COINr (JRC): 51 quốc gia, 49 chỉ tiêu, 8 trụ cột, 2 chỉ số phụ.",
                            source="COINr (R package, MIT licence, © 2022 William Becker), example data ASEM.", example=True, replace=True)
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
    lines += _national_on_synthetic_data(actor)
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


SYNTHETIC_PROVINCES = ("Dữ liệu giả lập (synthetic) của bản demo: điểm sinh ngẫu nhiên cho 34 tỉnh, thành phố để chạy phương pháp, "
                       "không phải điểm công bố")
# The year and the range of the made-up scores of each national framework (its indicators' own scale).
NATIONAL = {"PII": (2025, 30.0, 65.0), "DTI922": (2024, 0.40, 0.95), "DTI405": (2025, 0.40, 0.95)}


def synthetic_provinces_idata(framework: Framework, low: float, high: float, seed: int) -> pd.DataFrame:
    """iData of the 34 provinces (official names and codes, ``vietnam_provinces``) with seeded made-up values of
    ``framework``'s indicators, uniform between ``low`` and ``high``."""
    provinces = sorted(Province.iter_all(), key=lambda p: p.code.value)
    indicators = tables.coin_framework(framework).indicators
    rng = np.random.default_rng([766, seed])
    frame = pd.DataFrame({"uCode": [f"{p.code.value:02d}" for p in provinces], "uName": [p.name for p in provinces]})
    for code in indicators:
        frame[code] = np.round(rng.uniform(low, high, len(provinces)), 4)
    return frame


def _national_on_synthetic_data(actor) -> list[str]:
    """PII and DTI computed by each of their methodologies over a synthetic data set (``GIA_LAP``), labelled so."""
    lines = []
    for seed, (code, (year, low, high)) in enumerate(NATIONAL.items()):
        framework = Framework.objects.filter(code=code).first()
        if framework is None or _computed(framework):
            continue
        dataset = dataset_import(actor=actor, framework=framework, code="GIA_LAP", name="Dữ liệu giả lập – 34 tỉnh, thành phố",
                                 idata=synthetic_provinces_idata(framework, low, high, seed), year=year, synthetic=SYNTHETIC_PROVINCES,
                                 source="Báo cáo công bố chỉ có tổng điểm (ví dụ PII 2025 của TP.HCM: 59,33; DTI 2024: 0,7770), không có điểm "
                                        "trụ cột hay chỉ số chính mà phương pháp cần; bản demo tính trên số giả lập. Nhập điểm thật (iData) để thay.")
        latest: dict[str, Methodology] = {}
        for m in Methodology.objects.filter(framework=framework).order_by("code", "-version"):
            latest.setdefault(m.code, m)
        for m in latest.values():
            run = index_run(actor=actor, framework=framework, dataset=dataset, methodology=m, year=year)
            lines.append(f"{code} {year} ({m.code}, synthetic data): {run.status}")
    return lines
