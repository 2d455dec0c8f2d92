"""Composite indices by the JRC/COINr method: framework trees, unit data, the pipeline and its steps.

Pure Python (numpy, pandas), no Django. The analysis (``analysis``, ``uncertainty``, ``sensitivity``) and the web
layer (``dieuhanh/indices/``) use only what this package exports; see docs/ARCHITECTURE.md, "Composite indices".
"""

from .data import UnitData, read_idata, write_idata
from .framework import Element, Framework, FrameworkError
from .pipeline import Result, Step, cli_run, load_pipeline, run
from .steps import aggregate, denominate, impute, normalise, rank, screen, treat

__all__ = [
    "Element", "Framework", "FrameworkError", "Result", "Step", "UnitData", "aggregate", "cli_run", "denominate",
    "impute", "load_pipeline", "normalise", "rank", "read_idata", "run", "screen", "treat", "write_idata",
]


def __getattr__(name: str):
    # coin.cli_uncertainty lives with the analysis; imported on first use so that the engine does not
    # load the uncertainty and sensitivity modules (and SALib) it does not need
    if name == "cli_uncertainty":
        from .uncertainty import cli_uncertainty

        return cli_uncertainty
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
