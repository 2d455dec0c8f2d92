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


class DomainErrorMiddleware:
    """Domain errors raised by a page become responses here, and only here.

    - ``NotFound`` and ``Forbidden`` → the 404 page (forbidden answers exactly like missing);
    - ``Invalid`` and ``Conflict`` → the form again (the page named by ``@errors_return_to``, else the page the
      request came from, else the same address) with the error's sentence as a message;
    - any other ``DomainError`` (e.g. ``BadRequest``), and a core's ``CoreError`` → the 400 page with the sentence.

    API requests (``/api/``) are left to the API's own exception handler.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.contrib import messages
        from django.http import Http404
        from django.shortcuts import redirect
        from django.utils.http import url_has_allowed_host_and_scheme

        from dieuhanh.core.common.errors import CoreError
        from dieuhanh.errors import BadRequest, Conflict, DomainError, Forbidden, Invalid, NotFound
        from dieuhanh.web.errors import bad_request
        from dieuhanh.web.messages import error_text

        if request.path.startswith("/api/"):
            return None
        if isinstance(exception, CoreError):  # a core's code that no service converted: unreadable input
            exception = BadRequest(code=exception.code, params=exception.params)
        if not isinstance(exception, DomainError):
            return None
        if isinstance(exception, NotFound | Forbidden):
            raise Http404 from None  # Django's 404 handler renders templates/404.html
        if isinstance(exception, Invalid | Conflict):
            messages.error(request, error_text(exception))
            target = getattr(request, "error_return_to", None)
            if target is None:
                referer = request.headers.get("Referer", "")
                target = referer if referer and url_has_allowed_host_and_scheme(
                    referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()) else request.get_full_path()
            return redirect(target)
        return bad_request(request, exception)


def errors_return_to(to):
    """``@errors_return_to(lambda request, **kw: reverse("task_detail", args=[kw["task_id"]]))`` on a view that
    handles a form post: an ``Invalid``/``Conflict`` raised in it sends the person back to that page with the
    message (see ``DomainErrorMiddleware``)."""
    import functools

    def decorate(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            request.error_return_to = to(request, *args, **kwargs) if callable(to) else to
            return view(request, *args, **kwargs)

        return wrapped

    return decorate
