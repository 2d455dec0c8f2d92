"""gunicorn's hooks for dieuhanh: ``dieuhanh serve --gunicorn`` passes ``--config python:dieuhanh.web.gunicorn_conf``
(the other settings are on its command line, ``serve.gunicorn_argv``)."""

from __future__ import annotations

import logging

log = logging.getLogger("dieuhanh.web")


def post_worker_init(worker) -> None:
    """Before a worker serves its first request: compile the statements of the Decision 766 pages
    (``dossiers.selectors.prepare_statements``), or take them from the shared cache where another worker has
    compiled them, so that no visitor waits for a compilation. A failure is logged and the worker serves anyway:
    a page then compiles its statement when first asked."""
    from dieuhanh.dossiers.selectors import prepare_statements

    try:
        prepared = prepare_statements()
    except Exception:  # a worker that cannot warm up still serves every page, only slower the first time
        log.exception("d766_prepare_failed")
    else:
        log.info("d766_statements_prepared count=%s", prepared)
