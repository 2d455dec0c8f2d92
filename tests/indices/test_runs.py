"""Running a stored methodology on stored data: results stored per unit and level, identical to the engine on the
files; ranking, scorecard, comparison and the method read back from the database."""

from __future__ import annotations

import numpy as np
import pytest

from dieuhanh.audit.models import AuditEvent
from dieuhanh.core import coin
from dieuhanh.indices import selectors
from dieuhanh.indices.models import Score
from dieuhanh.indices.services import index_run, methodology_save
from tests.conftest import SYSTEM
from dieuhanh.core.coin.examples import ASEM_DIR as ASEM, ASEM_PIPELINE


def test_a_stored_run_equals_the_engine_on_the_files(asem_run):
    assert asem_run.status == "done", asem_run.error
    tree = coin.Framework.from_imeta(ASEM / "ASEM_iMeta.csv")
    direct = coin.run(tree, coin.read_idata(ASEM / "ASEM_iData.csv", tree), coin.load_pipeline(ASEM_PIPELINE)).results.set_index("uCode")
    stored = selectors.results_table(asem_run).set_index("uCode")
    assert np.allclose(stored.loc[direct.index, "Index"], direct["Index"], atol=1e-9)
    assert (stored.loc[direct.index, "Rank"].astype(int) == direct["Rank"].astype(int)).all()
    assert np.allclose(stored.loc[direct.index, "Conn"], direct["Conn"], atol=1e-9)
    assert asem_run.log and asem_run.seconds is not None
    assert AuditEvent.objects.filter(action="index_run", object_id=str(asem_run.pk)).exists()


def test_the_treatment_report_is_kept_with_the_run(asem_run):
    assert asem_run.treatment, "the JRC treatment report is stored"
    assert len(asem_run.treatment) >= 1


def test_ranking_rows_are_in_rank_order_with_pillars(asem_run):
    ranking = selectors.ranking(asem_run)
    assert ranking.top.code == "Index"
    assert [p.code for p in ranking.pillars] == ["Conn", "Sust"]
    ranks = [r.rank for r in ranking.rows]
    assert ranks == sorted(ranks) and ranks[0] == 1 and len(ranks) == 51


def test_scorecard_finds_strengths_above_and_weaknesses_below_the_peer_median(asem_run):
    card = selectors.scorecard(asem_run, "CHE")
    assert card.lines[0].element.code == "Index" and card.lines[0].rank == selectors.ranking(asem_run).rows[0].rank
    assert card.peers.startswith("EurAsia_group = Europe")
    assert card.strengths and all(l.value > l.peer_median for l in card.strengths)
    assert all(l.value < l.peer_median for l in card.weaknesses)


def test_a_failed_computation_is_stored_with_its_reason(asem):
    framework, dataset, methodology = asem
    run = index_run(actor=SYSTEM, framework=framework, dataset=dataset, methodology=methodology, year=1999)
    assert run.status == "failed" and "1999" in run.error
    assert not Score.objects.filter(run=run).exists()


def test_two_methodologies_compare_by_rank_shift(asem_run, asem):
    framework, dataset, methodology = asem
    steps = {"steps": [s if s["step"] != "aggregate" else {"step": "aggregate", "method": "geometric"} for s in methodology.steps["steps"]]}
    steps["steps"] = [s if s["step"] != "normalise" else {"step": "normalise", "method": "minmax", "low": 1, "high": 100} for s in steps["steps"]]
    geometric = methodology_save(actor=SYSTEM, framework=framework, code="GEO", name="Geometric", steps=steps)
    other = index_run(actor=SYSTEM, framework=framework, dataset=dataset, methodology=geometric, year=2018)
    assert other.status == "done", other.error
    shifts = selectors.compare(asem_run, other)
    assert len(shifts) == 51
    for s in shifts:
        assert s.shift == s.rank_a - s.rank_b
    assert any(s.shift for s in shifts), "geometric aggregation moves some countries"


def test_the_method_is_described_in_vietnamese_from_the_stored_configuration(asem):
    framework, _, methodology = asem
    steps = [selectors.describe_step(s) for s in methodology.steps["steps"]]
    assert steps[0].startswith("Chia giá trị chỉ tiêu cho mẫu số")
    assert "trung bình của nhóm theo cột nhóm EurAsia_group" in steps[1]
    assert "90 %" in steps[2]
    assert "winsorise" in steps[3] and "5 điểm" in steps[3]
    assert "min–max về thang 0–100" in steps[4]
    tree = selectors.method_tree(framework)
    assert tree[0].element.code == "Index"
    conn = next(n for n in tree if n.element.code == "Conn")
    assert conn.share == pytest.approx(50.0)


def test_what_the_uncertainty_analysis_varies_is_described_in_vietnamese():
    lines = selectors.describe_uncertainty({"weights": {"noise": 0.25}, "aggregation": ["arithmetic", "geometric"]}, ["impute", "normalise", "aggregate"])
    assert lines[0] == "Trọng số dao động ngẫu nhiên ±25 % quanh giá trị danh nghĩa ở mọi cấp."
    assert "trung bình cộng có trọng số, trung bình nhân có trọng số" in lines[1]
    assert any("Điền giá trị thiếu" in line for line in lines) and any("Chuẩn hóa" in line for line in lines)
    assert not any("Chuẩn hóa" in line for line in selectors.describe_uncertainty({}, ["aggregate"]))
