"""``python -m dieuhanh.web.gunicorn_main <gunicorn arguments>``: gunicorn without its ``Server`` banner.

gunicorn writes ``Server: gunicorn`` on every response and has no setting to stop it; naming the server and its
version only helps an attacker pick exploits. This launcher drops that header line, then runs gunicorn as
``python -m gunicorn`` would (the workers are forked from this process, so they inherit it).
"""

from __future__ import annotations

from gunicorn.app.wsgiapp import run
from gunicorn.http import wsgi

_default_headers = wsgi.Response.default_headers


def _without_server(self):
    return [line for line in _default_headers(self) if not line.lower().startswith("server:")]


wsgi.Response.default_headers = _without_server

if __name__ == "__main__":
    run(prog="gunicorn")
