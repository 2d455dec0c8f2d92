"""The frameworks shipped as data in ``dieuhanh/core/coin/frameworks/`` (see its README), loaded into the database."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from dieuhanh.indices.models import Framework, Methodology
from dieuhanh.indices.services import framework_import, methodology_save
from dieuhanh.units.models import Unit
from dieuhanh.units.selectors import city_code

FRAMEWORKS_DIR = Path(__file__).resolve().parent.parent / "core" / "coin" / "frameworks"


@dataclass(frozen=True)
class Shipped:
    code: str
    name: str
    imeta: Path
    pipelines: dict[str, tuple[str, Path]]
    source: str
    description: str
    provenance: dict[str, str]
    uncertainty: dict


def shipped() -> list[Shipped]:
    manifest = json.loads((FRAMEWORKS_DIR / "frameworks.json").read_text(encoding="utf-8"))
    out = []
    for f in manifest["frameworks"]:
        provenance = {code: kind for kind, codes in f.get("provenance", {}).items() for code in codes}
        out.append(Shipped(code=f["code"], name=f["name"], imeta=FRAMEWORKS_DIR / f["imeta"],
                           pipelines={k: (v[0], FRAMEWORKS_DIR / v[1]) for k, v in f["pipelines"].items()},
                           source=f["source"], description=f["description"], provenance=provenance,
                           uncertainty=f.get("uncertainty", DEFAULT_UNCERTAINTY)))
    return out


def load_shipped(*, actor, codes: list[str] | None = None) -> list[Framework]:
    """Import (or refresh: a newer release of dieuhanh replaces the shipped tree) every shipped framework and its
    methodologies; unchanged ones are left as they are."""
    owner = Unit.objects.get(code=city_code())  # the city owns the frameworks it ships with
    loaded = []
    for s in shipped():
        if codes and s.code not in codes:
            continue
        framework = framework_import(actor=actor, owner=owner, code=s.code, name=s.name, imeta=pd.read_csv(s.imeta, dtype=object),
                                     description=s.description, source=s.source, provenance=s.provenance, replace=True)
        for code, (name, path) in s.pipelines.items():
            methodology_save(actor=actor, framework=framework, code=code, name=name, steps=yaml.safe_load(path.read_text(encoding="utf-8")),
                             uncertainty=s.uncertainty)
        loaded.append(framework)
    return loaded


# What the uncertainty analysis varies by default (``coin.uncertainty.UncertaintyOptions``): weights ±25 % around
# nominal, arithmetic or geometric aggregation, and the engine's default alternatives of the other steps. Stored with
# each methodology, editable per methodology; a framework in frameworks.json may say its own ("uncertainty"). The
# ward index does: a ward far below the others (a sync rate near 0) takes a z-score below zero, which the geometric
# mean cannot take, so its normalisation alternatives are min-max 1-100 and ranks, both positive.
DEFAULT_UNCERTAINTY = {"weights": {"noise": 0.25}, "aggregation": ["arithmetic", "geometric"]}


def latest_methodology(framework: Framework, code: str) -> Methodology:
    return Methodology.objects.filter(framework=framework, code=code).order_by("-version").first()
