"""``dieuhanh index run|uncertainty|import|ward``: composite indices from the command line.

- ``run --idata FILE --imeta FILE --pipeline FILE.yaml --out DIR``: the engine on COINr files, no database; writes
  ``results.csv`` (uCode, Rank, the index and every aggregate), each intermediate data set and the treatment report.
- ``uncertainty --idata … --imeta … --pipeline … --out DIR [--replications N] [--seed S]``: the Monte Carlo
  uncertainty analysis on the same files (nominal rank, median rank, 5–95 % interval per unit), no database.
- ``import``: files into the database (all-or-nothing): ``--shipped`` loads the frameworks shipped with dieuhanh;
  ``--framework CODE --imeta FILE [--idata FILE --dataset CODE --year Y] [--pipeline FILE --methodology CODE]
  [--replace]`` (``--replace``: an existing framework's tree, or the data set's years in the file, are replaced).
- ``ward --year 2026 [--run]``: feed the ward index from the platform's data and (with ``--run``) compute it.
"""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from dieuhanh.access.policy import SystemActor
from dieuhanh.errors import DomainError


def _existing(path: Path, what: str) -> Path:
    if not path.is_file():
        raise CommandError(f"{what}: no such file {path}")
    return path


def _domain(exc: DomainError) -> CommandError:
    lines = [f"{exc.code}: {exc.message}"] + [f"  {d.get('field') or ''}: {d.get('message', '')}" for d in exc.details[:50]]
    return CommandError("\n".join(lines))


class Command(BaseCommand):
    help = "Composite indices (JRC/COINr method): run a pipeline or the uncertainty analysis on files, import files."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        for verb, text in (("run", "run a pipeline on COINr iData/iMeta files (no database)"),
                           ("uncertainty", "Monte Carlo uncertainty of the ranks on COINr files (no database)")):
            p = sub.add_parser(verb, help=text)
            p.add_argument("--idata", type=Path, required=True)
            p.add_argument("--imeta", type=Path, required=True)
            p.add_argument("--pipeline", type=Path, required=True, help="YAML: steps and their options, in order")
            p.add_argument("--out", type=Path, required=True, help="output directory (created)")
            if verb == "uncertainty":
                p.add_argument("--replications", type=int, default=1000)
                p.add_argument("--seed", type=int, default=1)
                p.add_argument("--options", type=Path, help="YAML: what varies (weights noise, step alternatives, aggregation)")
        imp = sub.add_parser("import", help="import frameworks, data and methodologies into the database")
        imp.add_argument("--shipped", action="store_true", help="the frameworks shipped with dieuhanh (PII, DTI 922/405, ward index)")
        imp.add_argument("--framework", help="framework code")
        imp.add_argument("--name", default="")
        imp.add_argument("--owner", help="code of the owning unit (default: the city, DIEUHANH_CITY_CODE)")
        imp.add_argument("--imeta", type=Path)
        imp.add_argument("--idata", type=Path)
        imp.add_argument("--dataset", default="DATA")
        imp.add_argument("--year", type=int, help="the year of iData rows without a Time column")
        imp.add_argument("--pipeline", type=Path)
        imp.add_argument("--methodology", default="DEFAULT")
        imp.add_argument("--replace", action="store_true", help="replace an existing framework tree / the data set's years in the file")
        ward = sub.add_parser("ward", help="feed the ward digital-transformation index from the platform's data")
        ward.add_argument("--year", type=int, required=True)
        ward.add_argument("--run", action="store_true", help="also compute the index with every methodology")

    def handle(self, *args, verb, **options):
        if verb == "run":
            return self._run(options)
        if verb == "uncertainty":
            return self._uncertainty(options)
        if verb == "import":
            return self._import(options)
        return self._ward(options)

    def _files(self, options):
        return (_existing(options["idata"], "--idata"), _existing(options["imeta"], "--imeta"),
                _existing(options["pipeline"], "--pipeline"), options["out"])

    def _run(self, options) -> None:
        from dieuhanh.core import coin
        from dieuhanh.core.coin import cli as coin_cli

        idata, imeta, pipeline, out = self._files(options)
        try:
            result = coin_cli.cli_run(idata, imeta, pipeline, out)
        except coin.FrameworkError as exc:
            raise CommandError(f"{exc.code} ({exc.element}): {exc}") from None
        self.stdout.write(f"{len(result.results)} units ranked; {len(result.excluded_units)} excluded; results in {out / 'results.csv'}")

    def _uncertainty(self, options) -> None:
        from dieuhanh.core import coin
        from dieuhanh.core.coin import cli as coin_cli

        idata, imeta, pipeline, out = self._files(options)
        try:
            coin_cli.cli_uncertainty(idata, imeta, pipeline, out, n=options["replications"], seed=options["seed"], options=options["options"])
        except coin.FrameworkError as exc:
            raise CommandError(f"{exc.code} ({exc.element}): {exc}") from None
        self.stdout.write(f"uncertainty analysis ({options['replications']} replications) written to {out}")

    def _import(self, options) -> None:
        from django.core.files import File

        from dieuhanh.indices import selectors, services
        from dieuhanh.indices.shipped import load_shipped
        from dieuhanh.units.selectors import city_code, unit_get

        actor = SystemActor("index import")
        try:
            if options["shipped"]:
                loaded = load_shipped(actor=actor)
                self.stdout.write(f"shipped frameworks: {', '.join(f.code for f in loaded)}")
                return
            if not options["framework"] or not options["imeta"]:
                raise CommandError("give --shipped, or --framework CODE with --imeta FILE")
            paths = {k: _existing(options[k], f"--{k}") for k in ("imeta", "idata", "pipeline") if options[k]}
            with ExitStack() as stack:  # the same import as the page and the API: all the files or none
                files = {k: File(stack.enter_context(path.open("rb")), name=path.name) for k, path in paths.items()}
                framework = services.index_files_import(
                    actor=actor, owner=unit_get(options["owner"] or city_code()), code=options["framework"], name=options["name"], imeta=files["imeta"],
                    idata=files.get("idata"), pipeline=files.get("pipeline"), dataset=options["dataset"],
                    methodology=options["methodology"], year=options["year"], replace=options["replace"])
            self.stdout.write(f"framework {framework.code} v{framework.version}: {len(selectors.elements(framework))} elements")
            if "idata" in files:
                dataset = selectors.dataset_get(framework, options["dataset"])
                self.stdout.write(f"data set {dataset.code}: {len(selectors.unit_names(dataset))} units")
            if "pipeline" in files:
                m = selectors.methodology_get(framework, options["methodology"])
                self.stdout.write(f"methodology {m.code} v{m.version}")
        except DomainError as exc:
            raise _domain(exc) from None

    def _ward(self, options) -> None:
        from dieuhanh.indices.ward import ward_index

        try:
            summary = ward_index(actor=SystemActor("index ward"), year=options["year"], run=options["run"])
        except DomainError as exc:
            raise _domain(exc) from None
        for line in summary:
            self.stdout.write(line)
