"""Fixtures of the index tests: COINr's ASEM example (shipped in dieuhanh/core/coin/examples/) and loaded frameworks."""

from __future__ import annotations


import pandas as pd
import pytest
import yaml

from tests.conftest import CITY, SYSTEM

from dieuhanh.core.coin.examples import ASEM_DIR as ASEM, ASEM_PIPELINE


@pytest.fixture
def asem(hcmc):
    """The ASEM framework, its 2018 data and COINr's example pipeline, imported as a city administrator would."""
    from dieuhanh.indices.services import dataset_import, framework_import, methodology_save

    framework = framework_import(actor=SYSTEM, owner=hcmc[CITY], code="ASEM", name="ASEM", imeta=pd.read_csv(ASEM / "ASEM_iMeta.csv", dtype=object))
    dataset = dataset_import(actor=SYSTEM, framework=framework, code="ASEM2018", name="ASEM 2018", idata=pd.read_csv(ASEM / "ASEM_iData.csv", dtype=object))
    methodology = methodology_save(actor=SYSTEM, framework=framework, code="COINR", name="COINr example",
                                   steps=yaml.safe_load(ASEM_PIPELINE.read_text()))
    return framework, dataset, methodology
