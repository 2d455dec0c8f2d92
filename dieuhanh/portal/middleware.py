"""Per-address rate limiting of the public portal and the APIs: at most ``DIEUHANH_RATE_LIMIT`` requests a minute from
one address (default 600) on ``/cong-khai/``, ``/api/`` and ``/sitemap.xml``; more is answered 429 with
``Retry-After`` until the minute ends. Counters live in Django's cache (Redis in production, shared by every worker).
The address is ``REMOTE_ADDR``; behind a reverse proxy set ``DIEUHANH_TRUSTED_PROXY_HOPS`` to the number of proxies
that append to ``X-Forwarded-For`` (the address they saw is then read from that header). Static files are not counted.
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
        return self.get_response(request)
