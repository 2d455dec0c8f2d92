"""``dieuhanh reports build --plan 4354/KH-UBND --as-of 2026-11-30 --template city-periodic --out FILE.docx|FILE.pdf``
and ``dieuhanh reports check FILE.docx`` (the Decree 30 rules; exit code 1 and one line per broken rule)."""
from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from dieuhanh.access.policy import SystemActor
from dieuhanh.core.reports.decree30 import check
from dieuhanh.errors import DomainError


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as e:
        raise CommandError(f"not a date (YYYY-MM-DD): {value}") from e


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same directory: never a half-written file."""
    fd, tmp = tempfile.mkstemp(dir=path.parent or ".", prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


class Command(BaseCommand):
    help = "Build official reports (Decree 30 format) and check any DOCX against the Decree 30 rules."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="command", required=True)
        build = sub.add_parser("build", help="generate a report and store it")
        build.add_argument("--plan", required=True, help="plan number, e.g. 4354/KH-UBND")
        build.add_argument("--as-of", required=True, help="the report's date, YYYY-MM-DD")
        build.add_argument("--template", default="city-periodic", help="city-periodic, unit-periodic or brief")
        build.add_argument("--unit", help="issuing unit code (default: the plan's issuer)")
        build.add_argument("--number", type=int, default=1, help="the report's number (Số)")
        build.add_argument("--issued-on", help="the signing date, YYYY-MM-DD (default: today)")
        build.add_argument("--signer", default="", help="the signer's name")
        build.add_argument("--out", required=True, help="FILE.docx or FILE.pdf")
        chk = sub.add_parser("check", help="check a DOCX against the Decree 30 rules")
        chk.add_argument("file")

    def handle(self, *args, **opts):
        if opts["command"] == "check":
            failures = check(opts["file"])
            for f in failures:
                self.stdout.write(str(f))
            if failures:
                sys.exit(1)
            self.stdout.write("OK: every Decree 30 rule passes")
            return
        self._build(opts)

    def _build(self, opts):
        from dieuhanh.plans.selectors import plan_get
        from dieuhanh.reports import pdf, selectors, services

        out = Path(opts["out"])
        if out.suffix.lower() not in (".docx", ".pdf"):
            raise CommandError("--out must end in .docx or .pdf")
        actor = SystemActor("cli")
        try:
            plan = plan_get(actor, opts["plan"])
            unit = selectors.unit_by_code(opts["unit"]) if opts.get("unit") else plan.issuer
            report = services.report_build(
                actor=actor, template=opts["template"], plan=plan, unit=unit, as_of=_date(opts["as_of"]), number=opts["number"],
                issued_on=_date(opts["issued_on"]) if opts.get("issued_on") else None, signer_name=opts["signer"],
                progress=lambda percent, step: self.stderr.write(f"{percent:3d}% {step}"))
            data = bytes(report.content)
            if out.suffix.lower() == ".pdf":
                data = pdf.to_pdf(data)
        except DomainError as e:
            raise CommandError(f"{e.code}: {e.message}") from e
        write_atomically(out, data)
        self.stdout.write(f"{out} (report {report.pk}, sha256 {report.sha256})")
