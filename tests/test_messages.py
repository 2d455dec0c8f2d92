"""The message catalogue: every error code has its Vietnamese sentence, with the same parameters."""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest
from django.utils import translation

import dieuhanh
from dieuhanh.messages import MESSAGES, render

CATALOGUE = Path(dieuhanh.__file__).parent / "locale" / "vi" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


@pytest.fixture(scope="module")
def vietnamese() -> dict[str, polib.POEntry]:
    return {e.msgid: e for e in polib.pofile(str(CATALOGUE)) if not e.obsolete}


def test_every_code_has_a_non_empty_vietnamese_translation(vietnamese):
    missing = sorted(code for code, msgid in MESSAGES.items()
                     if msgid not in vietnamese or not vietnamese[msgid].msgstr.strip() or "fuzzy" in vietnamese[msgid].flags)
    assert missing == []


def test_every_placeholder_of_a_message_appears_in_its_translation(vietnamese):
    wrong = {}
    for code, msgid in MESSAGES.items():
        entry = vietnamese.get(msgid)
        if entry is None:
            continue
        expected, found = set(PLACEHOLDER.findall(msgid)), set(PLACEHOLDER.findall(entry.msgstr))
        if expected != found:
            wrong[code] = (sorted(expected), sorted(found))
    assert wrong == {}


def test_messages_with_placeholders_are_marked_python_format(vietnamese):
    unmarked = sorted(code for code, msgid in MESSAGES.items()
                      if PLACEHOLDER.search(msgid) and msgid in vietnamese and "python-format" not in vietnamese[msgid].flags)
    assert unmarked == []


def test_a_sentence_is_rendered_from_its_code_in_the_active_language():
    with translation.override("vi"):
        assert render("too_long", {"max_length": 40}) == "Tối đa 40 ký tự."
    with translation.override("en"):
        assert render("too_long", {"max_length": 40}) == "At most 40 characters."
        assert render("no_such_code_anywhere") == MESSAGES["error"]


def test_a_missing_parameter_never_shows_a_placeholder():
    for language in ("vi", "en"):
        with translation.override(language):
            assert "%(" not in render("too_long") and "%(" not in render("too_long", {"other": 1})
