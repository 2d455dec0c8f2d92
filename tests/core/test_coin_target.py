"""Distance-to-target normalisation (COINr ``n_dist2targ``) when the target is already reached.

COINr's formula ``(x − min)/(t − min)`` turns negative once ``t < min`` (every unit past the target); with
``cap_max`` a value at or past the target is documented to score 1, and so it does here, whatever the spread."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dieuhanh.core.coin import Element, Framework, FrameworkError, UnitData, load_pipeline, normalise, run


def framework(target_a: float, target_b: float) -> Framework:
    """Index ← a (more is better), b (less is better), each with its Target."""
    return Framework([
        Element(code="a", name="a", level=1, parent="Index", target=target_a),
        Element(code="b", name="b", level=1, parent="Index", direction=-1, target=target_b),
        Element(code="Index", name="Index", level=2, parent=None, kind="Aggregate"),
    ])


VALUES = pd.DataFrame({"a": [60.0, 70.0, 80.0, 95.0], "b": [2.0, 3.0, 5.0, 8.0]},
                      index=pd.Index(["u1", "u2", "u3", "u4"], name="uCode"))


def test_every_unit_past_the_target_scores_the_top_of_the_scale_not_a_negative_number():
    # a: target 50 below the lowest value 60; b (less is better): target 10 above the highest value 8
    out = normalise(VALUES, framework(50.0, 10.0), method="target", low=0, high=100)
    assert out["a"].tolist() == [100, 100, 100, 100]
    assert out["b"].tolist() == [100, 100, 100, 100]
    assert (out.to_numpy() >= 0).all()


def test_a_target_inside_the_range_keeps_coinrs_formula_and_caps_only_the_units_past_it():
    out = normalise(VALUES, framework(80.0, 3.0), method="target", low=0, high=1)
    # a: (x − 60)/(80 − 60), capped at 1 from 80 on
    assert out["a"].tolist() == pytest.approx([0.0, 0.5, 1.0, 1.0])
    # b reversed: (max − x)/(max − t) = (8 − x)/(8 − 3), capped at 1 at or below 3
    assert out["b"].tolist() == pytest.approx([1.0, 1.0, 3 / 5, 0.0])


def test_a_target_equal_to_the_worst_value_scores_everyone_one_without_dividing_by_zero():
    out = normalise(VALUES, framework(60.0, 8.0), method="target", low=0, high=1)
    assert out.to_numpy().tolist() == [[1.0, 1.0]] * 4


def test_uncapped_scores_past_a_reachable_target_exceed_one_as_in_coinr():
    out = normalise(VALUES, framework(80.0, 3.0), method="target", low=0, high=1, cap=False)
    assert out["a"].tolist() == pytest.approx([0.0, 0.5, 1.0, 1.75])


def test_uncapped_with_every_unit_past_the_target_is_refused_naming_the_indicator():
    with pytest.raises(FrameworkError) as e:
        normalise(VALUES, framework(80.0, 10.0), method="target", cap=False)
    assert (e.value.code, e.value.element) == ("target_reached", "b")


def test_missing_values_stay_missing_and_do_not_set_the_minimum():
    values = VALUES.copy()
    values.loc["u1", "a"] = np.nan
    out = normalise(values, framework(50.0, 10.0), method="target", low=0, high=100)
    assert np.isnan(out.at["u1", "a"]) and out["a"].dropna().tolist() == [100, 100, 100]


def test_the_pipeline_step_applies_the_same_rule_and_names_the_indicator():
    fw = framework(50.0, 10.0)
    units = pd.DataFrame({"uName": list(VALUES.index)}, index=VALUES.index)
    data = UnitData(units=units, values=VALUES, denominators=pd.DataFrame(index=VALUES.index))
    steps = load_pipeline({"steps": [{"step": "normalise", "method": "target", "low": 0, "high": 100},
                                     {"step": "aggregate"}]})
    result = run(fw, data, steps)
    assert result.datasets["Normalised"].to_numpy().min() == 100
    assert result.results["Index"].tolist() == [100, 100, 100, 100]
    uncapped = load_pipeline({"steps": [{"step": "normalise", "method": "target", "cap": False}, {"step": "aggregate"}]})
    with pytest.raises(FrameworkError) as e:
        run(fw, data, uncapped)
    assert (e.value.code, e.value.element) == ("target_reached", "a")
