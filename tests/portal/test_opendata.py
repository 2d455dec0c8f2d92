"""The open-data catalogue as harvesters read it: the real ``ckanapi`` client against the live server, and the DCAT-AP
catalogue validated by pyshacl against the official DCAT-AP 3.0.0 SHACL shapes (vendored, no network)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import ckanapi
import pyshacl
import pytest
import rdflib
from rdflib.compare import isomorphic
from django.core.cache import cache
from django.test import Client
from openpyxl import load_workbook

from dieuhanh.portal.services import release_publish
from tests.portal.conftest import AS_OF

SHAPES = Path(__file__).parent / "shapes" / "dcat-ap-3.0.0-SHACL.ttl"
DATASETS = ["d766_indicators", "d766_scorecards", "index_results", "kpi_targets", "kpi_values", "kpis", "task_events", "task_evidence",
            "task_groups", "tasks", "units"]
DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
DCT = rdflib.Namespace("http://purl.org/dc/terms/")


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def _validate(graph: rdflib.Graph) -> tuple[bool, str]:
    conforms, _, text = pyshacl.validate(graph, shacl_graph=rdflib.Graph().parse(SHAPES), inference="none", allow_warnings=True)
    return conforms, text


def test_the_dcat_ap_catalogue_validates_in_turtle_and_json_ld(release):
    client = Client()
    turtle = client.get("/cong-khai/catalog.ttl")
    jsonld = client.get("/cong-khai/catalog.jsonld")
    assert turtle["Content-Type"].startswith("text/turtle") and jsonld["Content-Type"] == "application/ld+json"
    graph = rdflib.Graph().parse(data=turtle.content.decode(), format="turtle")
    conforms, report = _validate(graph)
    assert conforms, report
    assert isomorphic(graph, rdflib.Graph().parse(data=jsonld.content.decode(), format="json-ld"))
    datasets = set(graph.subjects(rdflib.RDF.type, DCAT.Dataset))
    assert sorted(str(d).rstrip("/").rsplit("/", 1)[1] for d in datasets) == DATASETS
    kpi_values = rdflib.URIRef("http://testserver/cong-khai/du-lieu/kpi_values/")
    assert graph.value(kpi_values, DCT.license) == rdflib.URIRef("https://creativecommons.org/licenses/by/4.0/")
    assert len(list(graph.objects(kpi_values, DCAT.distribution))) == 3
    temporal = graph.value(kpi_values, DCT.temporal)
    assert (str(graph.value(temporal, DCAT.startDate)), str(graph.value(temporal, DCAT.endDate))) == ("2025-01-01", "2026-01-10")


def test_the_shapes_do_catch_a_catalogue_without_a_publisher(release):
    """Control: the validation above can fail."""
    graph = rdflib.Graph().parse(data=Client().get("/cong-khai/catalog.ttl").content.decode(), format="turtle")
    graph.remove((None, DCT.publisher, None))
    conforms, report = _validate(graph)
    assert not conforms and "publisher" in report


@pytest.mark.django_db(transaction=True)
def test_ckanapi_lists_searches_and_reads_the_datasets(world, live_server):
    release_publish(actor=world["steering"], city=world["steering"].role_assignments.get().unit, as_of=AS_OF)
    ckan = ckanapi.RemoteCKAN(live_server.url, user_agent="dieuhanh-tests")
    assert ckan.action.package_list() == DATASETS
    assert ckan.action.organization_list() == ["thanh-pho-ho-chi-minh"]
    assert ckan.action.organization_list(all_fields=True)[0]["title"] == "Thành phố Hồ Chí Minh"
    package = ckan.action.package_show(id="kpi_values")
    assert package["license_id"] == "CC-BY-4.0" and package["organization"]["name"] == "thanh-pho-ho-chi-minh"
    assert [r["format"] for r in package["resources"]] == ["CSV", "JSON", "XLSX"]
    extras = {e["key"]: e["value"] for e in package["extras"]}
    assert extras["as_of"] == "2026-06-30" and "value (number)" in extras["data_dictionary"]
    found = ckan.action.package_search(q="thoi han", rows=5)  # without diacritics: "thời hạn" is a keyword of two datasets
    assert found["count"] == 2 and {p["name"] for p in found["results"]} == {"tasks", "task_events"}
    resource = ckan.action.resource_show(id="kpi_values-csv")
    assert resource["url"] == f"{live_server.url}/cong-khai/du-lieu/kpi_values.csv"
    with pytest.raises(ckanapi.NotFound):
        ckan.action.package_show(id="khong_co")
    with pytest.raises(ckanapi.ValidationError):
        ckan.action.package_show()
    # The client can fetch what the resource points to: the approved value, nothing else.
    rows = list(csv.DictReader(io.StringIO(Client().get("/cong-khai/du-lieu/kpi_values.csv").content.decode("utf-8-sig"))))
    assert [(r["indicator_code"], r["unit_code"], r["value"]) for r in rows] == [("KTS_GRDP", "79", "24.5")]


def test_the_ckan_envelope_and_error_shape_for_any_client(release):
    client = Client()
    ok = client.get("/api/3/action/package_show", {"id": "tasks"}).json()
    assert ok["success"] is True and ok["help"].endswith("/api/3/action/help_show?name=package_show")
    missing = client.get("/api/3/action/resource_show", {"id": "nope"})
    assert missing.status_code == 404 and missing.json() == {
        "help": "http://testserver/api/3/action/help_show?name=resource_show", "success": False,
        "error": {"__type": "Not Found Error", "message": "Not found"}}
    unknown = client.get("/api/3/action/package_delete")
    assert unknown.status_code == 400 and unknown.json()["success"] is False
    bad_rows = client.post("/api/3/action/package_search", json.dumps({"rows": "many"}), content_type="application/json")
    assert bad_rows.status_code == 409 and bad_rows.json()["error"]["__type"] == "Validation Error"


def test_every_dataset_has_its_files_with_its_data_dictionary(release):
    client = Client()
    tasks_csv = client.get("/cong-khai/du-lieu/tasks.csv")
    assert tasks_csv["Content-Type"] == "text/csv; charset=utf-8" and tasks_csv.content.startswith("\ufeff".encode())
    header = tasks_csv.content.decode("utf-8-sig").splitlines()[0].split(",")
    assert header[:4] == ["plan", "task_code", "group", "title"]
    body = json.loads(client.get("/cong-khai/du-lieu/tasks.json").content)
    assert body["licence"] == "https://creativecommons.org/licenses/by/4.0/" and body["sha256"] == release.sha256
    assert {c["name"]: c["type"] for c in body["columns"]}["deadline"] == "date"
    wb = load_workbook(io.BytesIO(client.get("/cong-khai/du-lieu/tasks.xlsx").content))
    assert [c.value for c in wb["tasks"][1]][:2] == ["plan", "task_code"] and wb["about"]["B5"].value == release.sha256
    page = client.get("/cong-khai/du-lieu/kpi_values/").content.decode()
    assert "Từ điển dữ liệu" in page and "approved_on" in page and "Ngày phê duyệt" in page
