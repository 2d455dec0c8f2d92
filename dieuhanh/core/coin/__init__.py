"""Composite indices by the JRC/COINr method: framework trees, unit data, the pipeline and its steps.

Pure Python (numpy, pandas), no Django. The analysis (``analysis``, ``uncertainty``, ``sensitivity``), the command line (``cli``) and the web
layer (``dieuhanh/indices/``) use only what this package exports; see docs/ARCHITECTURE.md, "Composite indices".
"""

from .data import UnitData, read_idata, write_idata
from .framework import Element, Framework, FrameworkError
from .pipeline import Result, Step, load_pipeline, run
from .steps import aggregate, denominate, impute, normalise, rank, screen, treat

__all__ = [
    "Element", "Framework", "FrameworkError", "Result", "Step", "UnitData", "aggregate", "denominate",
    "impute", "load_pipeline", "normalise", "rank", "read_idata", "run", "screen", "treat", "write_idata",
]

