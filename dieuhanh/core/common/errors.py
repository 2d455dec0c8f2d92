"""The one error type of the computation cores: a stable code and its parameters, never a sentence.

The sentence a person reads is rendered outside the cores from ``code`` and ``params`` (``dieuhanh/messages.py``,
one gettext catalogue). A core error that reaches a page or the API unconverted answers 400 with its code.
"""

from __future__ import annotations

from typing import Any


class CoreError(ValueError):
    """``CoreError("invalid_period", value="2026-13")``: ``code`` is stable English, ``params`` fill the sentence."""

    code: str = "invalid"

    def __init__(self, code: str | None = None, /, **params: Any):
        if code:
            self.code = code
        self.params = params
        shown = ", ".join(f"{k}={v!r}" for k, v in params.items())
        super().__init__(f"{self.code}({shown})" if shown else self.code)
