"""Django settings, read from the environment.

Variables:
- ``DATABASE_URL``: e.g. ``postgres://user@127.0.0.1:5432/dieuhanh``; default: an SQLite file under ``var/``
  (the zero-setup demo). Production and tests use PostgreSQL.
- ``DIEUHANH_SECRET_KEY``: required when ``DIEUHANH_DEBUG`` is off and no ``var/secret_key`` file exists;
  the demo generates one into ``var/`` (never committed).
- ``DIEUHANH_DEBUG`` (0/1), ``DIEUHANH_ALLOWED_HOSTS`` (comma separated), ``DIEUHANH_VAR_DIR``,
  ``DIEUHANH_EMAIL_BACKEND``, ``DIEUHANH_FROM_EMAIL``, ``DIEUHANH_SITE_URL`` (the address links in e-mails use).
- ``DIEUHANH_CACHE_URL``: ``redis://127.0.0.1:6379/1`` for one cache shared by every worker (production);
  default: local memory (the demo).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("DIEUHANH_VAR_DIR", BASE_DIR / "var"))
NODE_MODULES = Path(os.environ.get("DIEUHANH_NODE_MODULES", BASE_DIR / "node_modules"))


def _flag(name: str, default: bool = False) -> bool:
    return os.environ.get(name, "1" if default else "0").strip().lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    if key := os.environ.get("DIEUHANH_SECRET_KEY"):
        return key
    key_file = VAR_DIR / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


DEBUG = _flag("DIEUHANH_DEBUG")
SECRET_KEY = _secret_key()
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("DIEUHANH_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("DIEUHANH_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",  # so /api/docs serves Swagger UI from local static files, never a CDN
    "dieuhanh.accounts",
    "dieuhanh.units",
    "dieuhanh.access",
    "dieuhanh.audit",
    "dieuhanh.jobs",
    "dieuhanh.notifications",
    "dieuhanh.plans",
    "dieuhanh.indicators",
    "dieuhanh.indices",
    "dieuhanh.dossiers",
    "dieuhanh.difficulties",
    "dieuhanh.emulation",
    "dieuhanh.innovation",
    "dieuhanh.cockpit",
    "dieuhanh.portal",
    "dieuhanh.reports",
    "dieuhanh.web",
    "dieuhanh.demo",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
]

# Background jobs (dieuhanh/jobs, docs/ARCHITECTURE.md): django-tasks with its database backend, on the database of
# record (PostgreSQL in production, SQLite in the demo); `dieuhanh worker` runs them.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": []}}
# a running job with no heartbeat for this long (a lost machine) is marked failed and can be retried
DIEUHANH_JOB_STALE_AFTER = int(os.environ.get("DIEUHANH_JOB_STALE_AFTER", "600"))

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "dieuhanh.web.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "dieuhanh.portal.middleware.RateLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "dieuhanh.web.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "dieuhanh.web.middleware.InputSanityMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "dieuhanh.innovation.middleware.ProposerFence",
    "django.contrib.messages.middleware.MessageMiddleware",
    "dieuhanh.cockpit.filters.FilterMemory",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "dieuhanh.web.middleware.DomainErrorMiddleware",
]

ROOT_URLCONF = "dieuhanh.urls"
WSGI_APPLICATION = "dieuhanh.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "dieuhanh.web.context.languages",
                "dieuhanh.web.context.bell",
                "dieuhanh.cockpit.filters.carry",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'dieuhanh.sqlite3'}"),
        conn_max_age=int(os.environ.get("DIEUHANH_DB_CONN_MAX_AGE", "60")),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Vietnamese first; English available. Dates dd/mm/yyyy and numbers 1.234,5 (see dieuhanh/formats/).
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "dieuhanh" / "locale"]
FORMAT_MODULE_PATH = ["dieuhanh.formats"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_NAME = "dieuhanh_language"

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise expects it even when serving from the finders
STATICFILES_DIRS = [
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/echarts", NODE_MODULES / "echarts" / "dist"),
]
# Serve straight from the finders so the demo needs no collectstatic step; production runs collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# The province or centrally-run city this installation serves: its official code (2 digits; default 79, Ho Chi
# Minh City). Read it through dieuhanh.units.selectors.city_code(), never as a literal.
DIEUHANH_CITY_CODE = os.environ.get("DIEUHANH_CITY_CODE", "79").strip()

# Dossier logs for Decision 766 analytics: an embedded DuckDB file beside the database.
DIEUHANH_DUCKDB_PATH = Path(os.environ.get("DIEUHANH_DUCKDB_PATH", VAR_DIR / "dossiers.duckdb"))
# Seconds a writer (an import) waits for the pages' read-only connections to release the store (then: store_busy).
DIEUHANH_DUCKDB_LOCK_WAIT = float(os.environ.get("DIEUHANH_DUCKDB_LOCK_WAIT", "30"))
# How many synthetic dossiers `dieuhanh demo` generates (a year of the 168 wards and the departments).
DIEUHANH_DEMO_DOSSIERS = int(os.environ.get("DIEUHANH_DEMO_DOSSIERS", "400000"))
# Tasks of the labelled synthetic plan `dieuhanh demo` generates over every HCMC unit (0: none).
DIEUHANH_DEMO_TASKS = int(os.environ.get("DIEUHANH_DEMO_TASKS", "340"))
MEDIA_ROOT = Path(os.environ.get("DIEUHANH_MEDIA_ROOT", VAR_DIR / "media"))
# Evidence files: at most this many bytes each (default 20 MB).
DIEUHANH_EVIDENCE_MAX_BYTES = int(os.environ.get("DIEUHANH_EVIDENCE_MAX_BYTES", 20 * 1024 * 1024))
# Initiatives and awards (dieuhanh/emulation). The review period of an initiative application (calendar days from
# receipt to the answer due) is unconfirmed by law here: this default applies where a unit set none of its own.
DIEUHANH_INITIATIVE_REVIEW_DAYS = int(os.environ.get("DIEUHANH_INITIATIVE_REVIEW_DAYS", 30))
# The award list is posted for public comment at least this many working days before the council meets (Decree
# 152/2025 Art. 60.3 as cited by the Ministry of Home Affairs: 10).
DIEUHANH_AWARD_CONSULTATION_WORKING_DAYS = int(os.environ.get("DIEUHANH_AWARD_CONSULTATION_WORKING_DAYS", 10))
# Count indicators fed with the number of initiatives recognised (emulation/feed.py; comma-separated codes, none by default).
DIEUHANH_INITIATIVES_RECOGNISED_INDICATORS = [c for c in os.environ.get("DIEUHANH_INITIATIVES_RECOGNISED_INDICATORS", "").split(",") if c]
# Composite-index uploads (iMeta/iData CSV or XLSX): at most this many bytes each (default 20 MB).
# a Decision 766 file uploaded on /d766/nhap-tep/ (imported by a background job; kept under DIEUHANH_UPLOAD_DIR, by
# default beside the dossier store, until its import succeeds: workers on other machines need the same shared folder)
DIEUHANH_DOSSIER_UPLOAD_MAX_BYTES = int(os.environ.get("DIEUHANH_DOSSIER_UPLOAD_MAX_BYTES", 500 * 1024 * 1024))
DIEUHANH_UPLOAD_DIR = os.environ.get("DIEUHANH_UPLOAD_DIR") or None
# An Excel/CSV import (plan appendix, progress sheet, indicator values, index files) at least this large (bytes of
# the upload, or rows its sheets declare) runs as a background job with progress on /cong-viec/; smaller ones inline.
DIEUHANH_IMPORT_JOB_MIN_BYTES = int(os.environ.get("DIEUHANH_IMPORT_JOB_MIN_BYTES", 512 * 1024))
DIEUHANH_IMPORT_JOB_MIN_ROWS = int(os.environ.get("DIEUHANH_IMPORT_JOB_MIN_ROWS", "1000"))
DIEUHANH_INDEX_UPLOAD_MAX_BYTES = int(os.environ.get("DIEUHANH_INDEX_UPLOAD_MAX_BYTES", 20 * 1024 * 1024))
# Every uploaded XLSX is measured before it is read (zip bombs): its total uncompressed size, member count,
# compression ratio of a member over 1 MB, and the cells its sheets declare (core/common/sheets.py).
DIEUHANH_XLSX_MAX_UNCOMPRESSED_BYTES = int(os.environ.get("DIEUHANH_XLSX_MAX_UNCOMPRESSED_BYTES", 50 * 1024 * 1024))
DIEUHANH_XLSX_MAX_MEMBERS = int(os.environ.get("DIEUHANH_XLSX_MAX_MEMBERS", "200"))
DIEUHANH_XLSX_MAX_RATIO = int(os.environ.get("DIEUHANH_XLSX_MAX_RATIO", "100"))
DIEUHANH_XLSX_MAX_CELLS = int(os.environ.get("DIEUHANH_XLSX_MAX_CELLS", "1000000"))

# Requests a minute one address may make to the public portal and the APIs (0: no limit), and how many reverse
# proxies in front of the platform append to X-Forwarded-For (0: use the connection's address).
DIEUHANH_RATE_LIMIT = int(os.environ.get("DIEUHANH_RATE_LIMIT", "600"))
DIEUHANH_TRUSTED_PROXY_HOPS = int(os.environ.get("DIEUHANH_TRUSTED_PROXY_HOPS", "0"))

# On-track colours of indicators: percentage points behind the straight path (same scale as task warnings).
DIEUHANH_ON_TRACK_RULE = {
    "green_gap": float(os.environ.get("DIEUHANH_ON_TRACK_GREEN_GAP", 10)),
    "red_gap": float(os.environ.get("DIEUHANH_ON_TRACK_RED_GAP", 25)),
}

EMAIL_BACKEND = os.environ.get("DIEUHANH_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DIEUHANH_FROM_EMAIL", "dieuhanh@localhost")
# Where links in e-mails point (notifications): the address people open the platform at.
DIEUHANH_SITE_URL = os.environ.get("DIEUHANH_SITE_URL", "http://localhost:8000")

# Production: HTTPS only. ``DIEUHANH_PRODUCTION`` (0/1) says whether this installation is the real one; by default it
# is when DEBUG is off and DIEUHANH_SITE_URL (the public address) is https:// — never in the demo (SQLite, http) nor
# in the tests. It turns on, each overridable on its own: the redirect of http to https (DIEUHANH_SSL_REDIRECT),
# HSTS for DIEUHANH_HSTS_SECONDS (default a year; DIEUHANH_HSTS_PRELOAD), secure cookies (DIEUHANH_SECURE_COOKIES).
PRODUCTION = _flag("DIEUHANH_PRODUCTION", not DEBUG and DIEUHANH_SITE_URL.startswith("https://"))
SECURE_SSL_REDIRECT = _flag("DIEUHANH_SSL_REDIRECT", PRODUCTION)
SECURE_HSTS_SECONDS = int(os.environ.get("DIEUHANH_HSTS_SECONDS", 365 * 24 * 3600 if PRODUCTION else 0))
SECURE_HSTS_INCLUDE_SUBDOMAINS = _flag("DIEUHANH_HSTS_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = _flag("DIEUHANH_HSTS_PRELOAD")
if not SECURE_HSTS_PRELOAD:
    # Preloading is a decision for the domain's owner (browser lists, every subdomain): off unless asked for.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
if DIEUHANH_TRUSTED_PROXY_HOPS:
    # Behind a reverse proxy that terminates TLS: it says so in X-Forwarded-Proto (else the redirect would loop).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = _flag("DIEUHANH_SECURE_COOKIES", PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# A session lasts a working day from the last sign-in (Django's default is two weeks).
SESSION_COOKIE_AGE = int(float(os.environ.get("DIEUHANH_SESSION_HOURS", "8")) * 3600)
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (dieuhanh.web.middleware.SecurityHeadersMiddleware): scripts only from our static files.
DIEUHANH_CSP = os.environ.get("DIEUHANH_CSP", "; ".join([
    "default-src 'self'", "script-src 'self'", "style-src 'self' 'unsafe-inline'", "img-src 'self' data: blob:",
    "font-src 'self' data:", "connect-src 'self'", "object-src 'none'", "base-uri 'none'", "form-action 'self'",
    "frame-ancestors 'none'",
]))
DIEUHANH_PERMISSIONS_POLICY = os.environ.get(
    "DIEUHANH_PERMISSIONS_POLICY",
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=(), hid=(), "
    "magnetometer=(), gyroscope=(), accelerometer=(), display-capture=(), browsing-topics=()",
)

# Every unexpected page or API error is logged with its traceback, DEBUG or not (Django's default sends
# django.request errors to the console only when DEBUG is on).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "loggers": {
        "dieuhanh": {"handlers": ["console"], "level": os.environ.get("DIEUHANH_LOG_LEVEL", "INFO")},
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
    },
}

# One cache for every worker: Redis in production (DIEUHANH_CACHE_URL=redis://127.0.0.1:6379/1), local memory in
# the zero-setup demo. Computed results (Decision 766 scorecards) are kept here, keyed by what they depend on.
# DIEUHANH_CACHE_PREFIX keeps the keys of instances that share one Redis apart (e.g. two cities, or test runs).
_CACHE_URL = os.environ.get("DIEUHANH_CACHE_URL", "")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _CACHE_URL, "TIMEOUT": 24 * 3600,
                "KEY_PREFIX": os.environ.get("DIEUHANH_CACHE_PREFIX", "")}
    if _CACHE_URL.startswith(("redis://", "rediss://", "unix://")) else
    {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "dieuhanh", "TIMEOUT": 24 * 3600,
     "OPTIONS": {"MAX_ENTRIES": 2000}},
}

# Sign-in brute-force protection (dieuhanh/accounts/lockout.py, on the cache above: use Redis with several workers).
DIEUHANH_LOGIN_FAILURES_PER_ACCOUNT = int(os.environ.get("DIEUHANH_LOGIN_FAILURES_PER_ACCOUNT", "5"))
DIEUHANH_LOGIN_FAILURES_PER_ADDRESS = int(os.environ.get("DIEUHANH_LOGIN_FAILURES_PER_ADDRESS", "20"))
DIEUHANH_LOGIN_LOCKOUT_SECONDS = int(os.environ.get("DIEUHANH_LOGIN_LOCKOUT_SECONDS", "900"))
# API tokens: days until a token expires, and live tokens per person at most (one per client name).
DIEUHANH_API_TOKEN_DAYS = int(os.environ.get("DIEUHANH_API_TOKEN_DAYS", "30"))
DIEUHANH_API_TOKEN_CAP = int(os.environ.get("DIEUHANH_API_TOKEN_CAP", "10"))
