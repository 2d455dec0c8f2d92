"""Matching unit names typed by officials, and splitting cells that list several units (no database)."""

import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dieuhanh.core.common.text import fold
from dieuhanh.core.tasks.unit_match import Candidate, Match, UnitMatcher, split_units, unit_key

# A few HCMC departments and wards, written as the unit directory holds them.
CANDIDATES = (
    Candidate("79", "Thành phố Hồ Chí Minh"),
    Candidate("79.SKHCN", "Sở Khoa học và Công nghệ", "Sở KH&CN"),
    Candidate("79.STC", "Sở Tài chính", "STC"),
    Candidate("79.STP", "Sở Tư pháp", "STP"),
    Candidate("79.SNV", "Sở Nội vụ", "SNV"),
    Candidate("79.SGDDT", "Sở Giáo dục và Đào tạo", "Sở GD&ĐT"),
    Candidate("79.SVHTT", "Sở Văn hóa và Thể thao", "Sở VH&TT"),
    Candidate("79.SNNMT", "Sở Nông nghiệp và Môi trường", "SNN&MT"),
    Candidate("79.TTTP", "Thanh tra Thành phố", "TTTP"),
    Candidate("79.VP", "Văn phòng Ủy ban nhân dân Thành phố", "VP UBND TP"),
    Candidate("79.BQLKCNC", "Ban Quản lý Khu Công nghệ cao", "BQL SHTP"),
    Candidate("79.VNUHCM", "Đại học Quốc gia Thành phố Hồ Chí Minh", "ĐHQG-HCM"),
    Candidate("79.SKHCN.TTCDS", "Trung tâm Chuyển đổi số Thành phố", "TT CĐS", aliases=("Trung tâm CĐS TP.HCM",)),
    Candidate("26743", "Phường Bến Thành"),
    Candidate("26740", "Phường Sài Gòn"),
    Candidate("26737", "Phường Tân Định"),
    Candidate("26732", "Đặc khu Côn Đảo"),
    Candidate("27676", "Xã Thạnh An"),
)


@pytest.fixture(scope="module")
def matcher():
    return UnitMatcher(CANDIDATES)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("UBND phường Bến Thành", "26743"),
        ("Ủy ban nhân dân Phường Bến Thành", "26743"),
        ("Phường Bến Thành", "26743"),
        ("Phuong Ben Thanh", "26743"),
        ("P. Bến Thành", "26743"),
        ("P.Bến Thành", "26743"),
        ("UBND P.Sài Gòn", "26740"),
        ("UBND Đặc khu Côn Đảo", "26732"),
        ("UBND xã Thạnh An", "27676"),
        ("X. Thạnh An", "27676"),
        ("Sở KH&CN", "79.SKHCN"),
        ("Sở KHCN", "79.SKHCN"),
        ("Sở KH-CN", "79.SKHCN"),
        ("So Khoa hoc va Cong nghe", "79.SKHCN"),
        ("Sở Khoa hoc va Cong nghê", "79.SKHCN"),  # a wrong mark disappears when folded
        ("SỞ KHOA HỌC VÀ CÔNG NGHỆ", "79.SKHCN"),
        ("Sở Khoa học & Công nghệ", "79.SKHCN"),
        ("Sở GD&ĐT", "79.SGDDT"),
        ("Sở GDĐT", "79.SGDDT"),
        ("Sở VH&TT", "79.SVHTT"),
        ("Sở NN&MT", "79.SNNMT"),
        ("STC", "79.STC"),
        ("Thanh tra TP", "79.TTTP"),
        ("Thanh tra TP.", "79.TTTP"),
        ("Văn phòng UBND TP", "79.VP"),
        ("BQL Khu CNC", "79.BQLKCNC"),
        ("Ban quản lý khu công nghệ cao", "79.BQLKCNC"),
        ("ĐHQG TP.HCM", "79.VNUHCM"),
        ("ĐHQG-HCM", "79.VNUHCM"),
        ("Đại học Quốc gia TP HCM", "79.VNUHCM"),
        ("TP.HCM", "79"),
        ("TP HCM", "79"),
        ("TPHCM", "79"),
        ("UBND TP.HCM", "79"),
        ("Thành phố Hồ Chí Minh", "79"),
        ("Trung tâm CĐS TP.HCM", "79.SKHCN.TTCDS"),  # an alias
        ("Trung tâm Chuyển đổi số TP", "79.SKHCN.TTCDS"),
    ],
)
def test_every_usual_spelling_is_a_certain_match(matcher, text, code):
    match = matcher.match(text)
    assert match == Match(text, code, 1.0, True, ((code, 1.0),))


def test_missing_word_is_uncertain_but_ranks_the_right_unit_first(matcher):
    match = matcher.match("Sở Khoa học Công nghệ")
    assert not match.certain
    assert match.code == "79.SKHCN"
    assert 0.6 <= match.score < 1.0
    assert match.alternatives[0] == ("79.SKHCN", match.score)


def test_old_spelling_is_uncertain_but_ranks_the_right_unit_first(matcher):
    match = matcher.match("Sở Tài chánh")
    assert (match.certain, match.code) == (False, "79.STC")


def test_alternatives_are_at_most_five_best_first(matcher):
    match = matcher.match("Sở Giáo dục")
    assert match.code == "79.SGDDT"
    assert 1 < len(match.alternatives) <= 5
    scores = [score for _code, score in match.alternatives]
    assert scores == sorted(scores, reverse=True)
    assert all(0.0 <= score < 1.0 for score in scores)


@pytest.mark.parametrize("text", ["xyz", "Công ty ABC", "12345"])
def test_garbage_matches_nothing(matcher, text):
    match = matcher.match(text)
    assert match.code is None
    assert not match.certain
    assert match.score < 0.6


@pytest.mark.parametrize("text", ["", "   ", "-"])
def test_empty_text_matches_nothing(matcher, text):
    assert matcher.match(text) == Match(text, None, 0.0, False, ())


def test_same_name_in_two_provinces_is_never_certain():
    wards = UnitMatcher([Candidate("27676", "Xã Thạnh An"), Candidate("31231", "Xã Thạnh An"), Candidate("26743", "Phường Bến Thành")])
    match = wards.match("UBND xã Thạnh An")
    assert match == Match("UBND xã Thạnh An", None, 1.0, False, (("27676", 1.0), ("31231", 1.0)))


def test_a_short_name_shared_by_two_units_is_ambiguous():
    shared = UnitMatcher([Candidate("A", "Sở Tài chính", "STC"), Candidate("B", "Sở Thông tin", "STC")])
    assert not shared.match("STC").certain
    assert shared.match("Sở Tài chính").certain


def test_results_do_not_depend_on_candidate_order(matcher):
    reversed_matcher = UnitMatcher(reversed(CANDIDATES))
    for text in ("Sở Khoa học Công nghệ", "Sở Tài chánh", "Phường Bến Thàn", "Sở", "xyz"):
        assert reversed_matcher.match(text) == matcher.match(text)


def test_national_list_size_is_fast():
    """About 3,400 communes: indexes are built once and each match scores a short list only."""
    provinces = ["Hà Nội", "Huế", "Đà Nẵng", "Cần Thơ", "Lâm Đồng", "Đồng Nai", "Khánh Hòa", "An Giang"]
    names = ["Bến Thành", "Tân Định", "Sài Gòn", "Thạnh An", "Bình Chánh", "Long Hưng", "Phú Mỹ", "Tân Phú",
             "Hòa Bình", "An Phú", "Thới An", "Vĩnh Lộc", "Bình Trị", "Phước Long", "Đông Hòa", "Tây Thạnh"]
    candidates = [
        Candidate(f"{i:05d}", f"{('Phường', 'Xã')[i % 2]} {names[i % len(names)]} {provinces[i % len(provinces)]} {i}")
        for i in range(3400)
    ]
    started = time.perf_counter()
    big = UnitMatcher(candidates)
    for i in range(200):
        big.match(f"UBND phuong {names[i % len(names)]} {i}")
    assert time.perf_counter() - started < 10  # ≈ 0.5 s on a laptop; generous for slow CI machines
    assert big.match("Phường Bến Thành Hà Nội 0").certain


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("UBND phường Bến Thành", "phuong ben thanh"),
        ("Sở KH&CN", "so khoa hoc va cong nghe"),
        ("TP.HCM", "thanh pho ho chi minh"),
        ("TP HCM", "thanh pho ho chi minh"),
        ("Thành phố Hồ Chí Minh", "thanh pho ho chi minh"),
        ("Sở TT&TT", "so thong tin va truyen thong"),
        ("Sở TTTT", "so thong tin va truyen thong"),
        ("BQL SHTP", "ban quan ly khu cong nghe cao"),
        ("Khu CNC", "khu cong nghe cao"),
        ("ĐHQG", "dai hoc quoc gia"),
        ("UBND", "uy ban nhan dan"),
        ("UBND các phường", "uy ban nhan dan cac phuong"),  # not a ward: the prefix stays
        ("Sở Quy hoạch - Kiến trúc", "so quy hoach kien truc"),
        ("Skhcn", "skhcn"),  # an abbreviation only counts as a whole word
    ],
)
def test_unit_key(text, key):
    assert unit_key(text) == key


@pytest.mark.parametrize(
    ("text", "units"),
    [
        ("Sở KH&CN, Sở Tài chính; UBND các phường\nSở Nội vụ", ["Sở KH&CN", "Sở Tài chính", "UBND các phường", "Sở Nội vụ"]),
        ("Sở Khoa học và Công nghệ", ["Sở Khoa học và Công nghệ"]),
        ("Sở Tài chính và Sở Nội vụ", ["Sở Tài chính", "Sở Nội vụ"]),
        ("Sở Giáo dục và Đào tạo và UBND các phường", ["Sở Giáo dục và Đào tạo", "UBND các phường"]),
        ("Sở Nông nghiệp và Môi trường", ["Sở Nông nghiệp và Môi trường"]),
        ("Sở Lao động - Thương binh và Xã hội", ["Sở Lao động - Thương binh và Xã hội"]),
        ("Công an Thành phố và Văn phòng UBND Thành phố", ["Công an Thành phố", "Văn phòng UBND Thành phố"]),
        ("- Sở Y tế\n+ Sở Tư pháp\n• Trung tâm Chuyển đổi số", ["Sở Y tế", "Sở Tư pháp", "Trung tâm Chuyển đổi số"]),
        ("Sở Y tế;\r\nSở Tư pháp.", ["Sở Y tế", "Sở Tư pháp"]),
        # commas inside one unit's name or one collective subject
        ("UBND các phường, xã, đặc khu", ["UBND các phường, xã, đặc khu"]),
        ("Các sở, ban, ngành", ["Các sở, ban, ngành"]),
        ("Ban Chỉ đạo phát triển khoa học, công nghệ, đổi mới sáng tạo, chuyển đổi số và Đề án 06 Thành phố",
         ["Ban Chỉ đạo phát triển khoa học, công nghệ, đổi mới sáng tạo, chuyển đổi số và Đề án 06 Thành phố"]),
        ("Sở Y tế, Bưu điện Thành phố", ["Sở Y tế", "Bưu điện Thành phố"]),
        ("Sở Tài chính, sở Nội vụ", ["Sở Tài chính", "sở Nội vụ"]),
        ("Sở A,, Sở B", ["Sở A", "Sở B"]),
        ("", []),
        (" ; \n - ", []),
    ],
)
def test_split_units(text, units):
    assert split_units(text) == units


_LETTERS = "aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ"
_WORDS = st.text(alphabet=_LETTERS + _LETTERS.upper(), min_size=1, max_size=8).filter(lambda w: fold(w) != "va")
UNIT_NAMES = st.builds(
    lambda kind, words: f"{kind} {' '.join(words)}",
    st.sampled_from(["Sở", "UBND phường", "Trung tâm", "Ban", "Xã", "Viện", "Công an", "Hội"]),
    st.lists(_WORDS, min_size=1, max_size=5),
)


@given(st.lists(UNIT_NAMES, max_size=6))
def test_names_joined_by_semicolons_split_back_exactly(names):
    assert split_units("; ".join(names)) == names
    assert split_units("\n".join(names)) == names
