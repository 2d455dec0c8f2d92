"""A job for the tests of dieuhanh/jobs: creates ``count`` accounts named ``<prefix>-<i>``, reporting progress; with
``hold`` it waits (after its first write) until the file ``hold`` exists, signalling by creating ``hold + ".started"``;
with ``fail_if`` it fails (after writing) while that file exists."""

from __future__ import annotations

import time
from pathlib import Path

from django.contrib.auth import get_user_model

from dieuhanh.errors import Invalid
from dieuhanh.jobs.registry import job


def _anyone_signed_in(actor, **_):
    return None


@job("tests.accounts", title="Test accounts", authorize=_anyone_signed_in)
def make_accounts(ctx, *, prefix: str, count: int = 3, hold: str = "", fail_if: str = "") -> dict:
    progress = ctx.progress_callback(count, "accounts")
    for i in range(count):
        ctx.check_cancelled()
        get_user_model().objects.create(username=f"{prefix}-{i}")
        progress(i + 1)
        if hold and i == 0:
            Path(hold + ".started").touch()
            while not Path(hold).exists():
                time.sleep(0.05)
    if fail_if and Path(fail_if).exists():
        raise Invalid("asked to fail", code="invalid")
    return {"label": f"{count} accounts"}
