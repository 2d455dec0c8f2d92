"""Production settings: HTTPS only, HSTS, secure cookies, ``check --deploy`` clean, a working day's session, and no
``Server`` banner from gunicorn; the demo and the tests (http, DEBUG or an http site address) keep them off."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

from dieuhanh.web.management.commands.serve import gunicorn_argv
from tests.conftest import PASSWORD

PRODUCTION_ENV = {
    "DIEUHANH_DEBUG": "0",
    "DIEUHANH_SITE_URL": "https://dieuhanh.tphcm.gov.vn",
    "DIEUHANH_ALLOWED_HOSTS": "dieuhanh.tphcm.gov.vn",
    "DIEUHANH_SECRET_KEY": "k" * 20 + "Zq8#pL2@vN5!xR7$mT4%wY9^bC3&dF6*hJ1(gK0)sA" + "e" * 20,
}
SHOWN = ["SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SESSION_COOKIE_AGE"]


def _env(**extra) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DIEUHANH_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return {**env, "DJANGO_SETTINGS_MODULE": "dieuhanh.settings", **extra}


def _settings_under(env) -> dict:
    code = f"import django, json; django.setup(); from django.conf import settings as s; print(json.dumps({{k: getattr(s, k) for k in {SHOWN!r}}}))"
    return json.loads(subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout)


def test_production_settings_pass_the_deploy_check():
    result = subprocess.run([sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
                            env=_env(**PRODUCTION_ENV), capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_https_hsts_and_secure_cookies_are_on_in_production_and_off_in_the_demo():
    assert _settings_under(_env(**PRODUCTION_ENV)) == {
        "SECURE_SSL_REDIRECT": True, "SECURE_HSTS_SECONDS": 31_536_000, "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True, "SESSION_COOKIE_AGE": 8 * 3600}
    assert _settings_under(_env(DIEUHANH_DEBUG="1")) == {
        "SECURE_SSL_REDIRECT": False, "SECURE_HSTS_SECONDS": 0, "SESSION_COOKIE_SECURE": False,
        "CSRF_COOKIE_SECURE": False, "SESSION_COOKIE_AGE": 8 * 3600}
    # each is its own setting too: a production behind a proxy that already redirects, a shorter session
    assert _settings_under(_env(**PRODUCTION_ENV, DIEUHANH_SSL_REDIRECT="0", DIEUHANH_SESSION_HOURS="1.5")) == {
        "SECURE_SSL_REDIRECT": False, "SECURE_HSTS_SECONDS": 31_536_000, "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True, "SESSION_COOKIE_AGE": 5400}


def test_a_session_lasts_a_working_day(hcmc, make_user, client):
    make_user("canbo", "26743", "reporter")
    response = client.post("/login/", {"username": "canbo", "password": PASSWORD})
    assert response.status_code == 302 and response.cookies["sessionid"]["max-age"] == 8 * 3600


def test_pages_carry_the_content_security_policy_and_the_permissions_policy(client, hcmc):
    response = client.get("/login/")
    assert response["Content-Security-Policy"].startswith("default-src 'self'; script-src 'self'; ")
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_gunicorn_sends_no_server_banner():
    port = _free_port()
    server = subprocess.Popen(gunicorn_argv(f"127.0.0.1:{port}", 1), env=_env(DIEUHANH_DEBUG="1"),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                response = urllib.request.urlopen(f"http://127.0.0.1:{port}/static/dieuhanh/app.js", timeout=2)
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise AssertionError("gunicorn did not start")
        assert response.status == 200 and "Server" not in response.headers
        assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")
    finally:
        server.terminate()
        server.wait(10)
