"""Name normalisation and diacritic-free search keys (pure functions, no database)."""

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from dieuhanh.core.common.text import fold, normalise_name, search_terms

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
