"""Per-address rate limiting of the public portal and the APIs, and the fast path of cached public pages.

Rate limiting: at most ``DIEUHANH_RATE_LIMIT`` requests a minute from
one address (default 600) on ``/cong-khai/``, ``/api/`` and ``/sitemap.xml``; more is answered 429 with
``Retry-After`` until the minute ends. Counters live in Django's cache (Redis in production, shared by every worker).
The address is ``REMOTE_ADDR``; behind a reverse proxy set ``DIEUHANH_TRUSTED_PROXY_HOPS`` to the number of proxies
that append to ``X-Forwarded-For`` (the address they saw is then read from that header). Static files are not counted.

Fast path: a public page rendered for an address (``views._page`` marks it ``portal_cacheable``) is kept whole, by
release, language, host and address; the next request for it is answered here, before sessions, CSRF, authentication
and the other page middleware, none of which a public page uses. The headers those would add are set here
(``Content-Language``, ``X-Frame-Options`` except for embeds, ``Vary``, ``Cache-Control``).
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, JsonResponse
from django.utils import translation

from dieuhanh.messages import render

LIMITED = ("/cong-khai/", "/api/", "/sitemap.xml")
WINDOW = 60


def client_address(request) -> str:
    hops = int(getattr(settings, "DIEUHANH_TRUSTED_PROXY_HOPS", 0))
    if hops > 0:
        forwarded = [a.strip() for a in request.headers.get("X-Forwarded-For", "").split(",") if a.strip()]
        if len(forwarded) >= hops:
            return forwarded[-hops][:64]
    return request.META.get("REMOTE_ADDR", "")[:64]


def _too_many(request, retry_after: int):
    limit = settings.DIEUHANH_RATE_LIMIT
    if request.path.startswith(("/api/3/action/", "/api/action/")):
        with translation.override("en"):
            response = JsonResponse({"help": "", "success": False, "error": {
                "__type": "Rate Limit Error", "message": render("rate_limited", {"limit": limit, "seconds": retry_after})}}, status=429)
    elif request.path.startswith("/api/"):
        with translation.override("en"):
            response = JsonResponse({"error": {"code": "rate_limited", "message": render("rate_limited", {"limit": limit, "seconds": retry_after}),
                                               "details": []}}, status=429)
    else:
        response = HttpResponse(render("rate_limited", {"limit": limit, "seconds": retry_after}), status=429,
                                content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(retry_after)
    return response


def _language(request) -> str:
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    return chosen if chosen in {code for code, _ in settings.LANGUAGES} else settings.LANGUAGE_CODE


def _public_not_found(request) -> HttpResponse:
    """The public 404 page: the portal's identity and a way back to the portal, not the platform's sign-in."""
    from django.template.loader import render_to_string

    from dieuhanh.portal import selectors

    with translation.override(_language(request)):
        latest = selectors.latest_release()
        title = translation.gettext("Page not found")
        body = render_to_string("portal/404.html", {"title": title, "description": title, "release": None, "base": "/cong-khai/", "latest": True,
                                                    "city_name": latest.publisher.name if latest else "", "canonical": ""},
                                request=request)
    response = HttpResponse(body, status=404)
    response["Content-Language"] = _language(request)
    response["X-Frame-Options"] = "DENY"
    return response


def _fast_key(request) -> str | None:
    """Where the whole page for this request is kept, or None when it is not a public page read."""
    if request.method != "GET" or not request.path.startswith("/cong-khai/") or request.path.startswith(("/cong-khai/cong-bo/",)):
        return None
    from dieuhanh.portal import selectors

    if request.path.startswith("/cong-khai/ban-phat-hanh/"):
        release = "permanent"  # an address naming its release: the same page for ever
    else:
        latest = selectors.latest_release()
        if latest is None:
            return None
        release = selectors.cache_key(latest)
    return f"portal:fast:{release}:{_language(request)}:{request.get_host()}:{request.path}?{request.META.get('QUERY_STRING', '')}"


class RateLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = int(getattr(settings, "DIEUHANH_RATE_LIMIT", 0))
        if limit > 0 and request.path.startswith(LIMITED):
            now = time.time()
            window = int(now // WINDOW)
            key = f"ratelimit:{client_address(request)}:{window}"
            cache.add(key, 0, WINDOW + 5)
            try:
                count = cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.set(key, 1, WINDOW + 5)
                count = 1
            if count > limit:
                return _too_many(request, max(1, int((window + 1) * WINDOW - now)))
        fast = _fast_key(request)
        if fast is not None and (kept := cache.get(fast)) is not None:
            content, headers = kept
            response = HttpResponse(content)
            for name, value in headers:
                response[name] = value
            return response
        response = self.get_response(request)
        if response.status_code == 404 and request.path.startswith("/cong-khai/"):
            return _public_not_found(request)
        if fast is not None and response.status_code == 200 and getattr(request, "portal_cacheable", False):
            headers = [(n, response[n]) for n in ("Content-Type", "Content-Language", "Vary", "Cache-Control", "X-Frame-Options")
                       if n in response]
            cache.set(fast, (response.content, headers), 24 * 3600)
        return response
