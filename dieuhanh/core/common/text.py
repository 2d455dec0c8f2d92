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
