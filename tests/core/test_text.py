"""Name normalisation and diacritic-free search keys (pure functions, no database)."""

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from dieuhanh.core.common.text import collation_key, fold, normalise_name, search_terms

VIETNAMESE_LETTERS = "aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ"


def test_fold_removes_tones_and_marks_including_d_with_stroke():
    assert fold("Phường Bến Thành") == "phuong ben thanh"
    assert fold("Đặc khu Côn Đảo") == "dac khu con dao"
    assert fold("Xã Thạnh An") == "xa thanh an"


def test_fold_treats_decomposed_and_precomposed_unicode_alike():
    name = "Phường Bến Thành"
    assert fold(unicodedata.normalize("NFD", name)) == fold(unicodedata.normalize("NFC", name))


def test_normalise_name_gives_nfc_and_single_spaces():
    raw = "  Phường \t Bến   Thành "
    assert normalise_name(unicodedata.normalize("NFD", raw)) == unicodedata.normalize("NFC", "Phường Bến Thành")


def test_search_terms_split_on_whitespace_and_fold():
    assert search_terms("  PHƯỜNG   bến thanh ") == ["phuong", "ben", "thanh"]
    assert search_terms("   ") == []


@given(st.text(alphabet=VIETNAMESE_LETTERS + VIETNAMESE_LETTERS.upper() + " ", max_size=40))
def test_fold_of_vietnamese_text_is_plain_ascii_and_idempotent(text):
    folded = fold(text)
    assert folded.isascii()
    assert fold(folded) == folded
    assert folded == fold(unicodedata.normalize("NFD", text))


def test_vietnamese_collation_orders_letters_then_tones():
    # The alphabet: a ă â b c d đ e ê … o ô ơ … u ư; tones only break ties, in dictionary order.
    shuffled = ["Trung", "Đà Nẵng", "Tân", "Ấp", "Ăn", "An", "Dĩ An", "Gò Vấp", "Ơn", "Ôn", "On", "Ưng", "Ung", "Văn", "tấn", "tần"]
    assert sorted(shuffled, key=collation_key) == ["An", "Ăn", "Ấp", "Dĩ An", "Đà Nẵng", "Gò Vấp", "On", "Ôn", "Ơn", "Tân", "tần",
                                                  "tấn", "Trung", "Ung", "Ưng", "Văn"]
    assert sorted(["Phường Tân Hòa", "Phường Tân Hải", "Phường Tân Hưng"], key=collation_key) == [
        "Phường Tân Hải", "Phường Tân Hòa", "Phường Tân Hưng"]
    # Precomposed and decomposed spellings of a name sort as one.
    assert collation_key("Đặc khu Côn Đảo")[:2] == collation_key(unicodedata.normalize("NFD", "Đặc khu Côn Đảo"))[:2]
