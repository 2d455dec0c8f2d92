"""A dashboard's layout: three columns, items flow in order; moving up or down passes one row's worth of columns."""

import pytest

from dieuhanh.core.cockpit import layout
from dieuhanh.core.common.errors import CoreError


def items(*sizes):
    return [{"id": f"w{i}", "widget": "note", "size": s, "params": {}} for i, s in enumerate(sizes, start=1)]


def ids(xs):
    return [x["id"] for x in xs]


def test_left_and_right_swap_with_the_neighbour_and_stop_at_the_ends():
    xs = items("small", "small", "small")
    assert ids(layout.move(xs, "w2", "left")) == ["w2", "w1", "w3"]
    assert ids(layout.move(xs, "w2", "right")) == ["w1", "w3", "w2"]
    assert ids(layout.move(xs, "w1", "left")) == ["w1", "w2", "w3"]
    assert ids(layout.move(xs, "w3", "right")) == ["w1", "w2", "w3"]


def test_down_passes_a_row_of_three_columns():
    # Rows of small items: [w1 w2 w3] [w4 w5]; w1 down lands under where it was: after w4.
    xs = items("small", "small", "small", "small", "small")
    assert ids(layout.move(xs, "w1", "down")) == ["w2", "w3", "w4", "w1", "w5"]
    assert ids(layout.move(xs, "w5", "up")) == ["w1", "w5", "w2", "w3", "w4"]


def test_a_large_item_is_a_whole_row_to_pass():
    xs = items("small", "large", "small")
    assert ids(layout.move(xs, "w1", "down")) == ["w2", "w1", "w3"]
    assert ids(layout.move(xs, "w3", "up")) == ["w1", "w3", "w2"]


def test_resize_add_and_remove():
    xs = items("small", "medium")
    assert layout.resize(xs, "w1", "large")[0]["size"] == "large" and xs[0]["size"] == "small"  # the input is left alone
    added = layout.add(xs, "red_list", size="small")
    assert added[-1] == {"id": "w3", "widget": "red_list", "size": "small", "params": {}}
    assert ids(layout.remove(added, "w2")) == ["w1", "w3"]
    assert layout.add(layout.remove(added, "w2"), "note")[-1]["id"] == "w4"  # a new item never takes a used id


@pytest.mark.parametrize("call, code", [
    (lambda xs: layout.move(xs, "w9", "up"), "unknown_item"),
    (lambda xs: layout.move(xs, "w1", "diagonal"), "bad_move"),
    (lambda xs: layout.resize(xs, "w1", "huge"), "bad_size"),
    (lambda xs: layout.add(items(*["small"] * layout.MAX_ITEMS), "note"), "too_many_items"),
])
def test_refusals_name_a_code(call, code):
    with pytest.raises(CoreError) as exc:
        call(items("small"))
    assert exc.value.code == code
