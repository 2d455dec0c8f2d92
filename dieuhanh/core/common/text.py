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
# Letters that Unicode does not decompose into base + combining mark.
_SPECIAL = str.maketrans({"đ": "d", "Đ": "d", "ð": "d", "ơ": "o", "ư": "u"})


def normalise_name(value: str) -> str:
    """Return ``value`` in NFC with runs of whitespace collapsed to one space and trimmed."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", value)).strip()


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


# Vietnamese alphabetical order (a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y), then tones in
# dictionary order (none, huyền, hỏi, ngã, sắc, nặng), then case: "Đ" after "D", "Tân" before "Trung".
_LETTER_MARKS = {"\u0306": 1, "\u0302": 2, "\u031b": 3}  # breve (ă), circumflex (â ê ô), horn (ơ ư)
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}


def collation_key(value: str) -> tuple:
    """A sort key giving Vietnamese dictionary order: ``sorted(names, key=collation_key)``."""
    letters: list[tuple[int, int]] = []
    tones: list[int] = []
    for ch in unicodedata.normalize("NFD", value.casefold()):
        if ch in _LETTER_MARKS and letters:
            base, _mark = letters[-1]
            letters[-1] = (base, _LETTER_MARKS[ch])
        elif ch in _TONES:
            if tones:
                tones[-1] = _TONES[ch]
        elif unicodedata.combining(ch):
            continue
        else:
            letters.append((ord("d") if ch == "đ" else ord(ch), 4 if ch == "đ" else 0))
            tones.append(0)
    return tuple(letters), tuple(tones), value
