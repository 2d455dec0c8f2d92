"""Example inputs shipped with the package: COINr's ASEM data set (``asem/``, see its README) and COINr's example
pipeline (``asem_pipeline.yaml``). Used by the demo, the tests and the benchmarks."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

EXAMPLES_DIR = Path(str(files(__name__)))
ASEM_DIR = EXAMPLES_DIR / "asem"
ASEM_IDATA = ASEM_DIR / "ASEM_iData.csv"
ASEM_IMETA = ASEM_DIR / "ASEM_iMeta.csv"
ASEM_PANEL = ASEM_DIR / "ASEM_iData_p.csv"
ASEM_PIPELINE = EXAMPLES_DIR / "asem_pipeline.yaml"
