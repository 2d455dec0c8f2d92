"""Vietnamese text normalisation: canonical names and diacritic-free search keys.

Official names arrive from many sources (the vietnam-provinces package, Excel sheets typed by hand,
API clients) in both precomposed (NFC) and decomposed (NFD) Unicode and with stray whitespace.
``normalise_name`` gives the one canonical spelling we store; ``fold`` gives the search key that lets
"phuong ben thanh" find "Phường Bến Thành".
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
# Characters that show nothing (zero-width space, word joiner, byte-order mark, Mongolian vowel separator): a name
# made of them would look empty, so they are dropped from names
_INVISIBLE = re.compile("[\u200b\u2060\ufeff\u180e]")
# Letters that Unicode does not decompose into base + combining mark.
_SPECIAL = str.maketrans({"đ": "d", "Đ": "d", "ð": "d", "ơ": "o", "ư": "u"})


def normalise_name(value: str) -> str:
    """Return ``value`` in NFC without invisible characters, runs of whitespace collapsed to one space and trimmed."""
    return _SPACES.sub(" ", _INVISIBLE.sub("", unicodedata.normalize("NFC", value))).strip()


def fold(value: str) -> str:
    """Return a lowercase, diacritic-free, whitespace-normalised search key.

    ``fold("Phường  Bến Thành") == "phuong ben thanh"``; ``fold("Đặc khu Côn Đảo") == "dac khu con dao"``.
    """
    decomposed = unicodedata.normalize("NFD", value.translate(_SPECIAL))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped.casefold().translate(_SPECIAL)).strip()


def search_terms(query: str) -> list[str]:
    """Split a user's query into folded terms; every term must match for a hit."""
    return [term for term in fold(query).split(" ") if term]


# Vietnamese alphabetical order (the 29 letters, with f, j, w, z of borrowed words at their Latin places); a letter
# with a breve, circumflex or horn (ă, â, ê, ô, ơ, ư) and đ are letters of their own, right after their base letter.
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_LETTER_MARKS = {"\u0306": "ă", "\u0302": "^", "\u031b": "'"}  # breve, circumflex, horn
_WITH_MARK = {("a", "ă"): "ă", ("a", "^"): "â", ("e", "^"): "ê", ("o", "^"): "ô", ("o", "'"): "ơ", ("u", "'"): "ư"}
# Tones, in dictionary order: none, huyền, hỏi, ngã, sắc, nặng.
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
_RANK = {letter: i for i, letter in enumerate(_ALPHABET)}


def collation_key(value: str) -> tuple:
    """A sort key in Vietnamese dictionary order: letters first (a < ă < â < b … d < đ …, "Tân" before "Trung",
    "Đà Nẵng" after "Dĩ An" and before "Gò Vấp"), then tones (a < à < ả < ã < á < ạ), case last; whatever is not a
    letter (spaces, digits, punctuation) sorts before the letters, by code point."""
    letters: list[tuple[int, int]] = []
    tones: list[int] = []
    for ch in unicodedata.normalize("NFD", normalise_name(value).casefold()):
        if unicodedata.combining(ch):
            if ch in _TONES and tones:
                tones[-1] = _TONES[ch]
            elif ch in _LETTER_MARKS and letters:
                base = _ALPHABET[letters[-1][1]] if letters[-1][0] else ""
                marked = _WITH_MARK.get((base, _LETTER_MARKS[ch]))
                if marked:
                    letters[-1] = (1, _RANK[marked])
            continue
        letters.append((1, _RANK[ch]) if ch in _RANK else (0, ord(ch)))
        tones.append(0)
    return tuple(letters), tuple(tones), value
