"""Fixtures of the Decision 766 tests."""

from __future__ import annotations

import os
import uuid

import pytest

REDIS_URL = os.environ.get("DIEUHANH_TEST_REDIS_URL", "redis://127.0.0.1:6379/13")


@pytest.fixture
def redis_cache(settings):
    """Django's cache on Redis under a prefix of this test's own."""
    prefix = f"test-{uuid.uuid4().hex[:12]}"
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL,
                                   "KEY_PREFIX": prefix, "TIMEOUT": 600}}
    from django.core.cache import cache

    try:
        cache.set("ping", "pong")
        assert cache.get("ping") == "pong"
    except Exception as error:  # any failure to reach Redis: the message says what to do
        pytest.fail(f"Redis does not answer at {REDIS_URL} ({error}); `make redis` starts it")
    client = cache._cache.get_client(write=True)
    yield prefix
    for key in client.scan_iter(match=f"{prefix}:*"):
        client.delete(key)
