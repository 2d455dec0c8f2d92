"""Tolerant matching of unit names typed by officials ("Sở KH&CN", "UBND P. Bến Thành") to known units.

Plan appendices name the lead and coordinating units in free text, with the abbreviations of HCMC
documents, with or without diacritics, sometimes with typos, and several per cell. This module owns:

- ``unit_key``: the comparison key of a unit name (folded, abbreviations expanded, "UBND" before a
  commune dropped), so that every spelling of one unit gives the same key;
- ``UnitMatcher``: exact matching on those keys, and a deterministic similarity ranking when there is no
  exact match, fast enough for the full national list (≈ 3,400 communes) thanks to indexes built once;
- ``split_units``: cutting a cell such as "Sở KH&CN, Sở Tài chính; UBND các phường" into unit names.

A match is only ``certain`` when it needs no human judgement; everything else comes with ranked
alternatives for an official to confirm.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher

from dieuhanh.core.common.text import fold, normalise_name

# Below this similarity a best guess is not worth suggesting.
SUGGESTION_THRESHOLD = 0.6
MAX_ALTERNATIVES = 5
# How many keys, ranked by shared trigrams, get the (slower) full similarity score.
_SHORTLIST = 50


@dataclass(frozen=True)
class Candidate:
    """A unit that typed names may refer to; ``aliases`` are further accepted spellings."""

    code: str
    name: str
    short_name: str = ""
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Match:
    """The result of matching ``text``.

    ``code`` is the best candidate when its score reaches ``SUGGESTION_THRESHOLD`` and no other candidate
    scores the same, else ``None``. ``certain`` means an exact, unambiguous key match (score 1.0).
    ``alternatives`` lists up to five ``(code, score)`` pairs, best first, ties by code.
    """

    text: str
    code: str | None
    score: float
    certain: bool
    alternatives: tuple[tuple[str, float], ...]


_WORD = r"(?<![a-z0-9]){}(?![a-z0-9])"


def _abbreviation(*parts: str) -> re.Pattern[str]:
    """Match an abbreviation written "kh&cn", "kh & cn", "kh-cn" or "khcn" (on folded text)."""
    return re.compile(_WORD.format(r"\s*[&-]?\s*".join(parts)))


# Abbreviations of HCMC documents, on folded text. Includes pre-2025 department names, which still
# appear in older plans.
_ABBREVIATIONS: tuple[tuple[re.Pattern[str], str], ...] = (
    (_abbreviation("ld", "tb", "xh"), "lao dong thuong binh va xa hoi"),
    (_abbreviation("nn", "ptnt"), "nong nghiep va phat trien nong thon"),
    (_abbreviation("kh", "cn"), "khoa hoc va cong nghe"),
    (_abbreviation("kh", "dt"), "ke hoach va dau tu"),
    (_abbreviation("gd", "dt"), "giao duc va dao tao"),
    (_abbreviation("vh", "tt"), "van hoa va the thao"),
    (_abbreviation("tt", "tt"), "thong tin va truyen thong"),
    (_abbreviation("nn", "mt"), "nong nghiep va moi truong"),
    (_abbreviation("tn", "mt"), "tai nguyen va moi truong"),
    (_abbreviation("dt", "tg"), "dan toc va ton giao"),
    (_abbreviation("qh", "kt"), "quy hoach kien truc"),
    (_abbreviation("gt", "vt"), "giao thong van tai"),
    (_abbreviation("ubnd"), "uy ban nhan dan"),
    (_abbreviation("hdnd"), "hoi dong nhan dan"),
    (_abbreviation("bql"), "ban quan ly"),
    (_abbreviation("shtp"), "khu cong nghe cao"),
    (_abbreviation("cnc"), "cong nghe cao"),
    (_abbreviation("dhqg"), "dai hoc quoc gia"),
    (_abbreviation("vp"), "van phong"),
    (_abbreviation("cds"), "chuyen doi so"),
    (_abbreviation("dmst"), "doi moi sang tao"),
    (_abbreviation("attp"), "an toan thuc pham"),
    (_abbreviation("cty"), "cong ty"),
)
# "TP.HCM", "TP HCM", "TPHCM", "Thành phố HCM", "ĐHQG-HCM": all the city's full name.
_HCM = re.compile(_WORD.format(r"(?:(?:tp|thanh pho)\s*\.?\s*)?hcm"))
# "TP." or "TP" alone: "Thanh tra TP" is "Thanh tra Thành phố".
_TP = re.compile(r"(?<![a-z0-9])tp(?:\.|(?![a-z0-9]))")
# "P. Bến Thành", "X. Thạnh An": the dot tells these from letters inside names.
_WARD = re.compile(r"(?<![a-z0-9])p\.")
_COMMUNE = re.compile(r"(?<![a-z0-9])x\.")
# "UBND phường Bến Thành" is how the ward is addressed; the unit itself is "Phường Bến Thành".
_COMMUNE_PREFIX = re.compile(r"\buy ban nhan dan (?=(?:phuong|xa|dac khu|thanh pho)\b)")
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def unit_key(text: str) -> str:
    """The comparison key of a unit name: every usual spelling of one unit gives the same key.

    ``unit_key("UBND P. Bến Thành") == unit_key("Phường Bến Thành") == "phuong ben thanh"``;
    ``unit_key("Sở KH&CN") == "so khoa hoc va cong nghe"``; ``unit_key("TP.HCM") == "thanh pho ho chi minh"``.
    """
    key = fold(text)
    key = _HCM.sub(" thanh pho ho chi minh ", key)
    key = _TP.sub(" thanh pho ", key)
    key = _WARD.sub(" phuong ", key)
    key = _COMMUNE.sub(" xa ", key)
    for pattern, expansion in _ABBREVIATIONS:
        key = pattern.sub(f" {expansion} ", key)
    key = _NOT_ALNUM.sub(" ", key.replace("&", " va ")).strip()
    return _COMMUNE_PREFIX.sub("", key)


def _trigrams(key: str) -> set[str]:
    padded = f" {key} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def _token_overlap(a: frozenset[str], b: frozenset[str]) -> float:
    """Dice coefficient of two token sets: 1.0 for the same words in any order."""
    return 2 * len(a & b) / (len(a) + len(b))


class UnitMatcher:
    """Match typed unit names against a fixed list of candidates.

    Keys, an exact-key index and a trigram index are built once here, so each ``match`` scores only a
    short list of plausible keys instead of every candidate.
    """

    def __init__(self, candidates: Iterable[Candidate]):
        codes_by_key: dict[str, set[str]] = {}
        for candidate in candidates:
            for spelling in (candidate.name, candidate.short_name, *candidate.aliases):
                key = unit_key(spelling)
                if key:
                    codes_by_key.setdefault(key, set()).add(candidate.code)
        self._keys = sorted(codes_by_key)
        self._codes = [tuple(sorted(codes_by_key[key])) for key in self._keys]
        self._index = {key: i for i, key in enumerate(self._keys)}
        self._tokens = [frozenset(key.split()) for key in self._keys]
        self._trigram_counts: list[int] = []
        self._by_trigram: dict[str, list[int]] = {}
        for i, key in enumerate(self._keys):
            grams = _trigrams(key)
            self._trigram_counts.append(len(grams))
            for gram in grams:
                self._by_trigram.setdefault(gram, []).append(i)

    def match(self, text: str) -> Match:
        """Match one typed unit name; see ``Match`` for what the fields promise."""
        key = unit_key(text)
        if not key:
            return Match(text, None, 0.0, False, ())
        exact = self._index.get(key)
        if exact is not None:
            codes = self._codes[exact]
            alternatives = tuple((code, 1.0) for code in codes[:MAX_ALTERNATIVES])
            if len(codes) == 1:
                return Match(text, codes[0], 1.0, True, alternatives)
            return Match(text, None, 1.0, False, alternatives)
        ranked = self._ranked(key)
        if not ranked:
            return Match(text, None, 0.0, False, ())
        best_code, best = ranked[0]
        tied = len(ranked) > 1 and ranked[1][1] == best
        code = best_code if best >= SUGGESTION_THRESHOLD and not tied else None
        return Match(text, code, best, False, tuple(ranked[:MAX_ALTERNATIVES]))

    def _shortlist(self, key: str) -> list[int]:
        """Indexes of the keys sharing the most trigrams with ``key`` (Dice), ties by key order."""
        grams = _trigrams(key)
        shared: Counter[int] = Counter()
        for gram in grams:
            shared.update(self._by_trigram.get(gram, ()))
        dice = {i: 2 * n / (len(grams) + self._trigram_counts[i]) for i, n in shared.items()}
        return sorted(dice, key=lambda i: (-dice[i], i))[:_SHORTLIST]

    def _ranked(self, key: str) -> list[tuple[str, float]]:
        """Candidates scored against ``key``, best first; a candidate scores as its best key."""
        tokens = frozenset(key.split())
        matcher = SequenceMatcher(None, autojunk=False)
        matcher.set_seq2(key)  # SequenceMatcher caches its analysis of the second sequence
        best: dict[str, float] = {}
        for i in self._shortlist(key):
            matcher.set_seq1(self._keys[i])
            score = round((matcher.ratio() + _token_overlap(tokens, self._tokens[i])) / 2, 4)
            for code in self._codes[i]:
                best[code] = max(score, best.get(code, 0.0))
        return sorted(best.items(), key=lambda item: (-item[1], item[0]))


# Words a unit's name starts with (folded): used to tell a list of units from one long name.
_UNIT_WORDS = (
    "so", "ubnd", "uy ban nhan dan", "ban", "phuong", "xa", "dac khu", "thanh pho", "trung tam", "vien",
    "dai hoc", "truong", "hoc vien", "cong an", "van phong", "thanh tra", "cuc", "chi cuc", "bo", "bo chi huy",
    "hoi", "hoi dong", "hiep hoi", "lien hiep", "lien doan", "doan", "thanh doan", "mat tran", "cong ty",
    "tong cong ty", "khu", "cong vien", "benh vien", "bao", "dai", "kho bac", "ngan hang", "quy", "toa an",
    "bql", "cac", "co quan", "don vi", "doanh nghiep",
)
_UNIT_START = re.compile(r"(?:{})\b".format("|".join(sorted(_UNIT_WORDS, key=len, reverse=True))))
# Ordinary words that start like a unit word ("Lao động - Thương binh và Xã hội", "Quy hoạch").
_NOT_UNITS = re.compile(r"(?:xa hoi|quy hoach|hoi nhap|khu vuc|truong hop|bo sung)\b")
_LINES = re.compile(r"[;\n\r]+")
_COMMA = re.compile(r"(\s*,\s*)")
_AND = re.compile(r"(\s+(?:và|va)\s+)", re.IGNORECASE)
_BULLETS = "-+•*–· \t"


def _unit_word_and_rest(piece: str) -> tuple[bool, str]:
    """Whether ``piece`` starts with a unit word, and what follows that word (folded)."""
    folded = fold(piece)
    found = _UNIT_START.match(folded)
    if found is None or _NOT_UNITS.match(folded):
        return False, ""
    return True, folded[found.end() :].strip()


def _looks_like_unit(piece: str) -> bool:
    """"Sở Tài chính", "UBND các phường": a unit word followed by a name. A bare "xã" is not."""
    starts, rest = _unit_word_and_rest(piece)
    return starts and bool(rest)


def _new_unit_after_comma(_before: str, fragment: str) -> bool:
    """Whether a comma before ``fragment`` separates two units rather than words of one name.

    "UBND các phường, xã, đặc khu" and "Ban Chỉ đạo phát triển khoa học, công nghệ, …" are one unit each:
    their fragments are bare unit words or go on in lower case. "…, Sở Tài chính" or "…, Bưu điện
    Thành phố" start a new unit, and so does an empty fragment (dropped later).
    """
    starts, rest = _unit_word_and_rest(fragment)
    if starts:
        return bool(rest)
    return not fragment or fragment[:1].isupper()


def _two_units(before: str, after: str) -> bool:
    """Whether " và " separates two units: both sides must look like unit names."""
    return _looks_like_unit(before) and _looks_like_unit(after)


def _split_where(text: str, separator: re.Pattern[str], splits: Callable[[str, str], bool]) -> list[str]:
    """Split ``text`` at ``separator`` (one capturing group) only where ``splits(before, after)`` holds;
    elsewhere the separator stays exactly as typed."""
    pieces = separator.split(text)
    parts = [pieces[0]]
    for typed, piece in zip(pieces[1::2], pieces[2::2]):
        if splits(parts[-1], piece):
            parts.append(piece)
        else:
            parts[-1] += typed + piece
    return parts


def _clean(piece: str) -> str:
    """Drop list bullets and stray punctuation around one entry."""
    return normalise_name(piece).lstrip(_BULLETS + ",;").rstrip(".,:; ").strip()


def split_units(text: str) -> list[str]:
    """Cut a cell listing units into unit names, in order, bullets and empty entries dropped.

    Semicolons and line breaks always separate units. A comma separates units only when a new unit
    starts after it (see ``_new_unit_after_comma``); " và " only when both sides look like unit names,
    so "Sở Khoa học và Công nghệ" stays whole while "Sở Tài chính và Sở Nội vụ" is two units.
    """
    units: list[str] = []
    for line in _LINES.split(text):
        for entry in _split_where(_clean(line), _COMMA, _new_unit_after_comma):
            units.extend(_split_where(entry, _AND, _two_units))
    return [unit for unit in map(_clean, units) if unit]
