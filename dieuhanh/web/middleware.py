"""Language choice: Vietnamese unless the person picked another language with the switch.

Django's LocaleMiddleware would follow the browser's Accept-Language, and officials' browsers are often set to
English; the platform is Vietnamese by default, so only the language cookie set by the switch counts.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation


class LanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.available = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.available else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
