"""The open-data catalogue of the latest release, for harvesters: DCAT-AP 3 (JSON-LD and Turtle, rdflib) and the
dictionaries of a CKAN-compatible read API (``/api/3/action/``: package_list, package_show, package_search,
resource_show, organization_list). Both describe the same datasets (``tables.SPECS``) and distributions (the CSV, JSON
and XLSX files of ``files.py``); a synthetic release says so in every description."""

from __future__ import annotations

import re
from typing import Any

from django.utils.text import slugify
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, XSD

from dieuhanh.core.common.text import fold
from dieuhanh.portal.files import CONTENT_TYPES, SYNTHETIC_NOTE
from dieuhanh.portal.models import Release
from dieuhanh.portal.tables import LICENCE_ID, LICENCE_TITLE, LICENCE_URL, SPECS, Spec

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
EU = "http://publications.europa.eu/resource/authority/"
FILE_TYPES = {"csv": "CSV", "json": "JSON", "xlsx": "XLSX"}
IANA = "https://www.iana.org/assignments/media-types/"
MEDIA = {"csv": "text/csv", "json": "application/json", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def organization_name(release: Release) -> str:
    return slugify(fold(release.publisher.name)) or f"unit-{release.publisher.code}"


def _description(spec: Spec, release: Release, language: str = "vi") -> str:
    text = spec.description_vi if language == "vi" else spec.description_en
    return f"{text} [{SYNTHETIC_NOTE}]" if release.synthetic else text


def _temporal(rows: list[dict]) -> tuple[str | None, str | None]:
    """The first and last day the rows speak of (their dates and period ends)."""
    days = []
    for r in rows:
        for key in ("period_end", "date", "assigned_on", "original_deadline", "deadline", "approved_on"):
            if r.get(key):
                days.append(r[key])
        if r.get("period") and re.fullmatch(r"\d{4}", str(r["period"])):
            days += [f"{r['period']}-01-01", f"{r['period']}-12-31"]
        if r.get("year"):
            days.append(f"{r['year']}-12-31")
    return (min(days), max(days)) if days else (None, None)


# ----------------------------------------------------------------------------------------------------- DCAT-AP


def catalogue_graph(release: Release, tables: dict[str, list[dict]], first_issued, root: str) -> Graph:
    """``root``: the site's absolute address without a trailing slash (e.g. https://congkhai.example.vn)."""
    g = Graph()
    g.bind("dcat", DCAT)
    g.bind("dct", DCTERMS)
    g.bind("foaf", FOAF)
    g.bind("vcard", VCARD)
    base = f"{root}/cong-khai/"
    catalog = URIRef(f"{base}catalog")
    g.add((catalog, RDF.type, DCAT.Catalog))
    g.add((catalog, DCTERMS.title, Literal("Dữ liệu mở Nghị quyết 57 — " + release.publisher.name, lang="vi")))
    g.add((catalog, DCTERMS.title, Literal("Resolution 57 open data — " + release.publisher.name, lang="en")))
    g.add((catalog, DCTERMS.description, Literal(
        "Số liệu chính thức đã phê duyệt của chương trình khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số"
        + (f" [{SYNTHETIC_NOTE}]" if release.synthetic else ""), lang="vi")))
    g.add((catalog, DCTERMS.description, Literal(
        "Approved, official figures of the science, technology, innovation and digital transformation programme"
        + (f" [{SYNTHETIC_NOTE}]" if release.synthetic else ""), lang="en")))
    publisher = URIRef(f"{base}don-vi/{release.publisher.code}/#agent")
    g.add((publisher, RDF.type, FOAF.Agent))
    g.add((publisher, RDF.type, FOAF.Organization))
    g.add((publisher, FOAF.name, Literal(release.publisher.name, lang="vi")))
    g.add((catalog, DCTERMS.publisher, publisher))
    licence = URIRef(LICENCE_URL)
    g.add((licence, RDF.type, DCTERMS.LicenseDocument))
    g.add((licence, RDFS.label, Literal(LICENCE_TITLE, lang="en")))
    g.add((catalog, DCTERMS.license, licence))
    languages = []
    for code in ("VIE", "ENG"):
        lang = URIRef(f"{EU}language/{code}")
        g.add((lang, RDF.type, DCTERMS.LinguisticSystem))
        languages.append(lang)
        g.add((catalog, DCTERMS.language, lang))
    homepage = URIRef(base)
    g.add((homepage, RDF.type, FOAF.Document))
    g.add((catalog, FOAF.homepage, homepage))
    g.add((catalog, DCTERMS.modified, Literal(release.published_at.date().isoformat(), datatype=XSD.date)))
    contact = BNode()
    g.add((contact, RDF.type, VCARD.Kind))
    g.add((contact, RDF.type, VCARD.Organization))
    g.add((contact, VCARD.fn, Literal(release.publisher.name, lang="vi")))
    g.add((contact, VCARD.hasURL, URIRef(base)))
    for spec in SPECS:
        ds = URIRef(f"{base}du-lieu/{spec.name}/")
        g.add((catalog, DCAT.dataset, ds))
        g.add((ds, RDF.type, DCAT.Dataset))
        g.add((ds, DCTERMS.identifier, Literal(spec.name)))
        g.add((ds, DCTERMS.title, Literal(spec.title_vi, lang="vi")))
        g.add((ds, DCTERMS.title, Literal(spec.title_en, lang="en")))
        g.add((ds, DCTERMS.description, Literal(_description(spec, release, "vi"), lang="vi")))
        g.add((ds, DCTERMS.description, Literal(_description(spec, release, "en"), lang="en")))
        g.add((ds, DCTERMS.publisher, publisher))
        g.add((ds, DCAT.contactPoint, contact))
        g.add((ds, DCTERMS.license, licence))
        g.add((ds, DCTERMS.issued, Literal(first_issued.date().isoformat(), datatype=XSD.date)))
        g.add((ds, DCTERMS.modified, Literal(release.published_at.date().isoformat(), datatype=XSD.date)))
        g.add((ds, DCAT.landingPage, ds))
        g.add((ds, RDF.type, FOAF.Document))
        frequency = URIRef(f"{EU}frequency/{spec.frequency}")
        g.add((frequency, RDF.type, DCTERMS.Frequency))
        g.add((ds, DCTERMS.accrualPeriodicity, frequency))
        for lang in languages:
            g.add((ds, DCTERMS.language, lang))
        for i, keyword in enumerate(spec.keywords):
            g.add((ds, DCAT.keyword, Literal(keyword, lang="vi" if i % 2 == 0 else "en")))
        start, end = _temporal(tables.get(spec.name, []))
        if start:
            period = BNode()
            g.add((period, RDF.type, DCTERMS.PeriodOfTime))
            g.add((period, DCAT.startDate, Literal(start, datatype=XSD.date)))
            g.add((period, DCAT.endDate, Literal(end, datatype=XSD.date)))
            g.add((ds, DCTERMS.temporal, period))
        for fmt in FILE_TYPES:
            dist = URIRef(f"{base}du-lieu/{spec.name}.{fmt}")
            g.add((ds, DCAT.distribution, dist))
            g.add((dist, RDF.type, DCAT.Distribution))
            g.add((dist, DCTERMS.title, Literal(f"{spec.title_vi} ({FILE_TYPES[fmt]})", lang="vi")))
            g.add((dist, DCAT.accessURL, ds))
            g.add((dist, DCAT.downloadURL, dist))
            g.add((ds, RDF.type, RDFS.Resource))
            g.add((dist, RDF.type, RDFS.Resource))
            file_type = URIRef(f"{EU}file-type/{FILE_TYPES[fmt]}")
            g.add((file_type, RDF.type, DCTERMS.MediaTypeOrExtent))
            g.add((dist, DCTERMS["format"], file_type))
            media = URIRef(IANA + MEDIA[fmt])
            g.add((media, RDF.type, DCTERMS.MediaType))
            g.add((dist, DCAT.mediaType, media))
            g.add((dist, DCTERMS.license, licence))
            g.add((dist, DCTERMS.modified, Literal(release.published_at.date().isoformat(), datatype=XSD.date)))
    return g


# -------------------------------------------------------------------------------------------------------- CKAN


def organization(release: Release) -> dict[str, Any]:
    return {"id": organization_name(release), "name": organization_name(release), "title": release.publisher.name,
            "type": "organization", "state": "active", "is_organization": True, "approval_status": "approved",
            "description": f"{release.publisher.name} ({release.publisher.code})", "image_url": "", "created": release.published_at.isoformat()}


def resource(spec: Spec, fmt: str, release: Release, root: str) -> dict[str, Any]:
    return {"id": f"{spec.name}-{fmt}", "package_id": spec.name, "name": f"{spec.title_vi} ({FILE_TYPES[fmt]})",
            "description": _description(spec, release), "url": f"{root}/cong-khai/du-lieu/{spec.name}.{fmt}", "format": FILE_TYPES[fmt],
            "mimetype": CONTENT_TYPES[fmt].split(";")[0], "created": release.published_at.isoformat(),
            "last_modified": release.published_at.isoformat(), "state": "active", "url_type": None, "position": list(FILE_TYPES).index(fmt)}


def package(spec: Spec, release: Release, tables: dict[str, list[dict]], first_issued, root: str) -> dict[str, Any]:
    start, end = _temporal(tables.get(spec.name, []))
    resources = [resource(spec, fmt, release, root) for fmt in FILE_TYPES]
    tags = [{"name": k, "display_name": k, "state": "active"} for k in spec.keywords]
    return {
        "id": spec.name, "name": spec.name, "title": spec.title_vi, "notes": _description(spec, release), "type": "dataset",
        "state": "active", "private": False, "license_id": LICENCE_ID, "license_title": LICENCE_TITLE, "license_url": LICENCE_URL,
        "isopen": True, "url": f"{root}/cong-khai/du-lieu/{spec.name}/", "version": str(release.pk),
        "author": release.publisher.name, "maintainer": release.publisher.name,
        "owner_org": organization_name(release), "organization": organization(release),
        "metadata_created": first_issued.isoformat(), "metadata_modified": release.published_at.isoformat(),
        "tags": tags, "num_tags": len(tags), "resources": resources, "num_resources": len(resources),
        "extras": [{"key": k, "value": v} for k, v in (
            ("title_en", spec.title_en), ("description_en", spec.description_en), ("language", "vi,en"),
            ("frequency", spec.frequency), ("temporal_start", start or ""), ("temporal_end", end or ""),
            ("release", str(release.pk)), ("as_of", release.as_of.isoformat()), ("sha256", release.sha256),
            ("synthetic", "true" if release.synthetic else "false"),
            ("data_dictionary", "; ".join(f"{c.name} ({c.type}{', ' + c.unit if c.unit else ''}): {c.meaning_en}" for c in spec.columns)),
        )],
    }


def matches(pkg: dict[str, Any], query: str) -> bool:
    """package_search's ``q``: every word (diacritics ignored) in the title, notes, tags or name."""
    words = fold(query).split()
    text = fold(" ".join([pkg["name"], pkg["title"], pkg["notes"], *(t["name"] for t in pkg["tags"]),
                          *(e["value"] for e in pkg["extras"] if e["key"] in ("title_en", "description_en"))]))
    return all(w in text for w in words if w not in ("*:*", "*"))
