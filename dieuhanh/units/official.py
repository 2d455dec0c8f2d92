"""Rows for the national list of administrative units, from the ``vietnam-provinces`` package.

34 provinces and centrally-governed cities and 3,321 commune-level units as they stand since the
reorganisation of 01/07/2025, with their official codes (provinces two digits, communes five). Also
reads the city's own bodies (departments, boards, the steering committee) from ``data/hcmc_units.csv``.
"""

from __future__ import annotations

import csv
import datetime as dt
from importlib import resources

import vietnam_provinces
from vietnam_provinces import Province, Ward

from dieuhanh.units.models import UnitKind
from dieuhanh.units.services import UnitRow

COUNTRY_CODE = "VN"
# Ho Chi Minh City's province code: the bodies in data/hcmc_units.csv ("79.SKHCN", …) are its own. Which city an
# installation serves is configuration (units.selectors.city_code()), not this constant.
HCMC_CODE = "79"
REORGANISED_ON = dt.date(2025, 7, 1)
SOURCE = f"vietnam-provinces {vietnam_provinces.__version__} (data {vietnam_provinces.__data_version__})"


def province_code(code: int) -> str:
    return f"{int(code):02d}"


def ward_code(code: int) -> str:
    return f"{int(code):05d}"


def national_rows(province_codes: set[str] | None = None) -> list[UnitRow]:
    """The country, its provinces and their commune-level units; ``province_codes`` limits the provinces."""
    rows = [UnitRow(code=COUNTRY_CODE, name="Việt Nam", kind=UnitKind.COUNTRY, division_type="quốc gia",
                    parent_code=None, valid_from=None, source=SOURCE)]
    for p in sorted(Province.iter_all(), key=lambda p: int(p.code)):
        code = province_code(p.code)
        if province_codes is not None and code not in province_codes:
            continue
        rows.append(UnitRow(code=code, name=p.name, kind=UnitKind.PROVINCE, division_type=p.division_type.value,
                            parent_code=COUNTRY_CODE, valid_from=REORGANISED_ON, source=SOURCE))
    for w in sorted(Ward.iter_all(), key=lambda w: int(w.code)):
        parent = province_code(w.province_code)
        if province_codes is not None and parent not in province_codes:
            continue
        rows.append(UnitRow(code=ward_code(w.code), name=w.name, kind=UnitKind.COMMUNE, division_type=w.division_type.value,
                            parent_code=parent, valid_from=REORGANISED_ON, source=SOURCE))
    return rows


def hcmc_body_rows() -> list[UnitRow]:
    """HCMC's departments, boards and other bodies (names from public reporting and the seed articles)."""
    text = resources.files("dieuhanh.units").joinpath("data/hcmc_units.csv").read_text(encoding="utf-8")
    return [
        UnitRow(code=r["code"], name=r["name"], short_name=r["short_name"], kind=r["kind"], division_type=r["division_type"],
                parent_code=r["parent_code"], valid_from=REORGANISED_ON, source=f"dieuhanh: {r['note']}")
        for r in csv.DictReader(text.splitlines())
    ]
