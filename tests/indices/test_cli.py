"""``dieuhanh index run`` and ``dieuhanh index uncertainty`` on COINr's ASEM example: files in, files out, no database."""

from __future__ import annotations

import pandas as pd
import pytest
from django.core.management import CommandError, call_command

from dieuhanh.core.coin.examples import ASEM_DIR as ASEM, ASEM_PIPELINE


def test_index_run_on_asem_writes_results_and_every_intermediate_data_set(tmp_path):
    call_command("index", "run", "--idata", str(ASEM / "ASEM_iData.csv"), "--imeta", str(ASEM / "ASEM_iMeta.csv"),
                 "--pipeline", str(ASEM_PIPELINE), "--out", str(tmp_path))
    results = pd.read_csv(tmp_path / "results.csv")
    assert list(results.columns[:4]) == ["uCode", "uName", "Rank", "Index"]
    assert {"Conn", "Sust", "Physical", "SusEcFin"} <= set(results.columns)
    assert len(results) == 51 and results["Rank"].min() == 1
    assert results["Index"].is_monotonic_decreasing
    for name in ("raw.csv", "denominated.csv", "imputed.csv", "screened.csv", "treated.csv", "normalised.csv", "treatment.csv"):
        assert (tmp_path / name).exists(), name


def test_index_uncertainty_on_asem_writes_rank_intervals(tmp_path):
    call_command("index", "uncertainty", "--idata", str(ASEM / "ASEM_iData.csv"), "--imeta", str(ASEM / "ASEM_iMeta.csv"),
                 "--pipeline", str(ASEM_PIPELINE), "--out", str(tmp_path), "--replications", "100")
    table = pd.read_csv(tmp_path / "uncertainty.csv")
    assert len(table) == 51
    assert (table.filter(like="P5").iloc[:, 0] <= table.filter(like="P95").iloc[:, 0]).all()


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="--imeta: no such file"):
        call_command("index", "run", "--idata", str(ASEM / "ASEM_iData.csv"), "--imeta", str(tmp_path / "nope.csv"),
                     "--pipeline", str(ASEM_PIPELINE), "--out", str(tmp_path))


@pytest.mark.django_db
def test_index_import_puts_files_into_the_database_all_or_nothing(hcmc, tmp_path):
    from dieuhanh.indices.models import Framework, Methodology

    call_command("index", "import", "--framework", "ASEM", "--imeta", str(ASEM / "ASEM_iMeta.csv"), "--idata", str(ASEM / "ASEM_iData.csv"),
                 "--dataset", "ASEM2018", "--pipeline", str(ASEM_PIPELINE), "--methodology", "COINR")
    framework = Framework.objects.get(code="ASEM")
    assert framework.datasets.get().units.count() == 51
    assert Methodology.objects.get(framework=framework).steps["steps"][0] == {"step": "denominate"}
    bad = tmp_path / "bad_iMeta.csv"
    imeta = pd.read_csv(ASEM / "ASEM_iMeta.csv", dtype=object)
    imeta.loc[imeta["iCode"] == "Physical", "Parent"] = "Nowhere"
    imeta.to_csv(bad, index=False)
    with pytest.raises(CommandError, match="index_unknown_parent.*\n  Physical"):
        call_command("index", "import", "--framework", "ASEM2", "--imeta", str(bad))
    assert not Framework.objects.filter(code="ASEM2").exists()
