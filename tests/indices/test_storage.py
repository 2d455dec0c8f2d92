"""Frameworks and data sets in the database: COINr iMeta/iData in, the same tables out; bad files refused whole,
naming the element or the row; methodologies versioned."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from django.utils import translation

from dieuhanh.audit.models import AuditEvent
from dieuhanh.errors import Invalid
from dieuhanh.indices import tables
from dieuhanh.indices.models import DataPoint, Dataset, DatasetUnit, Element, Framework, Methodology
from dieuhanh.indices.services import dataset_import, framework_import, methodology_save
from tests.conftest import BEN_THANH, CITY, SYSTEM
from dieuhanh.core.coin.examples import ASEM_DIR as ASEM


def test_imeta_round_trip_gives_back_the_same_tree(asem):
    framework, _, _ = asem
    original = pd.read_csv(ASEM / "ASEM_iMeta.csv")
    exported = tables.imeta_of(framework)
    assert list(exported.columns) == ["Level", "iCode", "iName", "Direction", "Weight", "Unit", "Target", "Denominator", "Parent", "Type"]
    assert list(exported["iCode"]) == list(original["iCode"])
    assert list(exported["Parent"].fillna("")) == list(original["Parent"].fillna(""))
    assert np.allclose(exported["Weight"].astype(float).fillna(-1), original["Weight"].astype(float).fillna(-1))
    assert np.allclose(exported["Target"].astype(float).fillna(-1), original["Target"].astype(float).fillna(-1))
    assert list(exported["Direction"].astype("float").fillna(0)) == list(original["Direction"].fillna(0))


def test_idata_round_trip_gives_back_every_value(asem):
    _, dataset, _ = asem
    original = pd.read_csv(ASEM / "ASEM_iData.csv").set_index("uCode").sort_index()
    exported = tables.idata_of(dataset, 2018).set_index("uCode").sort_index()
    assert list(exported.index) == list(original.index)
    for column in ["LPI", "Flights", "NEET", "GDP", "Population"]:
        assert np.allclose(exported[column].astype(float), original[column].astype(float), equal_nan=True), column
    assert (exported["EurAsia_group"] == original["EurAsia_group"]).all()
    assert DatasetUnit.objects.filter(dataset=dataset).count() == 51
    # 51 units × (49 indicators + 4 denominators), missing cells kept as empty points
    assert DataPoint.objects.filter(dataset=dataset).count() == 51 * 53


def test_a_ucode_that_is_a_platform_unit_is_linked_to_it(hcmc):
    imeta = pd.DataFrame([
        {"Level": 1, "iCode": "A", "iName": "A", "Direction": 1, "Weight": 1, "Parent": "IDX", "Type": "Indicator"},
        {"Level": 2, "iCode": "IDX", "iName": "Index", "Direction": 1, "Weight": 1, "Parent": None, "Type": "Aggregate"},
    ])
    framework = framework_import(actor=SYSTEM, owner=hcmc[CITY], code="T", name="T", imeta=imeta)
    dataset = dataset_import(actor=SYSTEM, framework=framework, code="D", name="D", year=2026,
                             idata=pd.DataFrame({"uCode": [BEN_THANH, "FREE1"], "uName": ["Bến Thành", "Free"], "A": ["1", "2"]}))
    units = {u.ucode: u for u in dataset.units.all()}
    assert units[BEN_THANH].unit == hcmc[BEN_THANH]
    assert units["FREE1"].unit is None


def test_a_cycle_is_refused_naming_the_element_and_nothing_is_stored(hcmc):
    imeta = pd.read_csv(ASEM / "ASEM_iMeta.csv", dtype=object)
    imeta.loc[imeta["iCode"] == "Conn", "Parent"] = "Physical"  # Physical → Conn → Physical
    with pytest.raises(Invalid) as err:
        framework_import(actor=SYSTEM, owner=hcmc[CITY], code="ASEM", name="ASEM", imeta=imeta)
    assert err.value.code == "index_cycle"
    assert err.value.details[0]["field"] in {"Physical", "Conn"}
    with translation.override("vi"):
        assert "vòng lặp" in err.value.message
    assert not Framework.objects.exists() and not Element.objects.exists()


def test_a_non_numeric_cell_refuses_the_whole_data_file_naming_unit_and_indicator(asem):
    framework, dataset, _ = asem
    before = DataPoint.objects.count()
    idata = pd.read_csv(ASEM / "ASEM_iData.csv", dtype=object)
    idata.loc[idata["uCode"] == "FRA", "LPI"] = "cao"
    idata["Time"] = "2019"
    with pytest.raises(Invalid) as err:
        dataset_import(actor=SYSTEM, framework=framework, code="ASEM2018", name="ASEM", idata=idata)
    assert err.value.code == "index_non_numeric"
    assert err.value.details[0]["field"] == "FRA:LPI"
    assert DataPoint.objects.count() == before
    assert not DataPoint.objects.filter(year=2019).exists()


def test_an_indicator_missing_from_the_data_is_named(asem):
    framework, _, _ = asem
    idata = pd.read_csv(ASEM / "ASEM_iData.csv", dtype=object).drop(columns=["CO2"])
    with pytest.raises(Invalid) as err:
        dataset_import(actor=SYSTEM, framework=framework, code="X", name="X", idata=idata)
    assert (err.value.code, err.value.details[0]["field"]) == ("index_missing_indicator", "CO2")
    assert not Dataset.objects.filter(code="X").exists()


def test_data_without_a_year_needs_one(asem):
    framework, _, _ = asem
    with pytest.raises(Invalid) as err:
        dataset_import(actor=SYSTEM, framework=framework, code="X", name="X", idata=pd.read_csv(ASEM / "ASEM_iData.csv", dtype=object).drop(columns=["Time"]))
    assert err.value.code == "index_missing_year"


def test_saving_a_changed_methodology_adds_a_version_and_an_unchanged_one_does_not(asem):
    framework, _, m1 = asem
    same = methodology_save(actor=SYSTEM, framework=framework, code="COINR", name=m1.name, steps=m1.steps)
    assert same.pk == m1.pk
    steps = {"steps": [s for s in m1.steps["steps"] if s["step"] != "treat"]}
    m2 = methodology_save(actor=SYSTEM, framework=framework, code="COINR", name=m1.name, steps=steps)
    assert (m2.version, Methodology.objects.filter(framework=framework, code="COINR").count()) == (2, 2)
    event = AuditEvent.objects.filter(action="methodology_save").latest("id")
    assert event.changes["version"] == [1, 2]


def test_an_unknown_step_is_refused(asem):
    framework, _, _ = asem
    with pytest.raises(Invalid) as err:
        methodology_save(actor=SYSTEM, framework=framework, code="BAD", name="Bad", steps={"steps": [{"step": "magic"}]})
    assert err.value.details[0]["code"] == "bad_step"


def test_reimporting_a_changed_tree_bumps_the_framework_version(asem):
    framework, _, _ = asem
    imeta = pd.read_csv(ASEM / "ASEM_iMeta.csv", dtype=object)
    same = framework_import(actor=SYSTEM, owner=framework.owner, code="ASEM", name="ASEM", imeta=imeta)
    assert same.version == 1
    imeta.loc[imeta["iCode"] == "Conn", "Weight"] = "2"
    changed = framework_import(actor=SYSTEM, owner=framework.owner, code="ASEM", name="ASEM", imeta=imeta, replace=True)
    assert changed.version == 2
    assert Element.objects.get(framework=changed, code="Conn").weight == 2.0
