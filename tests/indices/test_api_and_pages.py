"""The index API and pages: import through the UI, compute, see the ranking, the scorecard, the method, a comparison,
and download results; people outside the owner's reach cannot write."""

from __future__ import annotations

import io

import pandas as pd

from dieuhanh.indices.models import Framework, Run
from dieuhanh.jobs.runner import run_queued
from dieuhanh.core.coin.examples import ASEM_DIR as ASEM, ASEM_PIPELINE


def test_asem_imported_through_the_ui_and_computed_end_to_end(web_client):
    client = web_client("quantri.tp", "79", "administrator")
    with open(ASEM / "ASEM_iMeta.csv", "rb") as imeta, open(ASEM / "ASEM_iData.csv", "rb") as idata, open(ASEM_PIPELINE, "rb") as pipeline:
        response = client.post("/indices/import/", {"code": "ASEM", "name": "ASEM", "owner": "79", "imeta": imeta, "idata": idata,
                                                    "dataset": "ASEM2018", "pipeline": pipeline, "methodology": "COINR"})
    assert response.status_code == 302 and response["Location"].endswith("/indices/ASEM/")
    response = client.post("/indices/ASEM/run/", {"dataset": "ASEM2018", "methodology": "COINR", "year": "2018", "kind": "pipeline"})
    run = Run.objects.get()
    assert run.status == "done" and run.seconds < 2
    response = client.post("/indices/ASEM/run/", {"dataset": "ASEM2018", "methodology": "COINR", "year": "2018", "kind": "uncertainty",
                                                  "replications": "50"})
    assert response.status_code == 302 and "/cong-viec/" in response["Location"]  # queued as a background job
    assert run_queued() == 1  # what a worker does
    page = client.get(f"/indices/ASEM/?run={run.pk}").content.decode()
    assert 'id="ranking"' in page and "Switzerland" in page and "rank-chart-data" in page
    assert "5–95 %" in page or "5–95" in page
    card = client.get(f"/indices/ASEM/units/CHE/?run={run.pk}").content.decode()
    assert "Switzerland" in card and 'id="strengths"' in card
    method = client.get("/indices/ASEM/method/").content.decode()
    assert "Chia giá trị chỉ tiêu cho mẫu số" in method and "EurAsia_group" in method
    csv = client.get(f"/indices/ASEM/runs/{run.pk}/results.csv")
    table = pd.read_csv(io.BytesIO(csv.content))
    assert list(table.columns[:4]) == ["uCode", "uName", "Rank", "Index"] and len(table) == 51
    xlsx = client.get(f"/indices/ASEM/runs/{run.pk}/results.xlsx")
    assert pd.read_excel(io.BytesIO(xlsx.content)).shape[0] == 51
    imeta_back = pd.read_csv(io.BytesIO(client.get("/indices/ASEM/imeta.csv").content))
    assert list(imeta_back["iCode"]) == list(pd.read_csv(ASEM / "ASEM_iMeta.csv")["iCode"])


def test_a_bad_upload_shows_the_element_in_vietnamese_and_keeps_nothing(web_client, tmp_path):
    client = web_client("quantri.tp", "79", "administrator")
    imeta = pd.read_csv(ASEM / "ASEM_iMeta.csv", dtype=object)
    imeta.loc[imeta["iCode"] == "LPI", "Weight"] = "-1"
    response = client.post("/indices/import/", {"code": "ASEM", "name": "ASEM", "imeta": io.BytesIO(imeta.to_csv(index=False).encode())}, follow=True)
    assert "“LPI”: trọng số âm." in response.content.decode()
    assert not Framework.objects.exists()


def test_a_reporter_cannot_import_or_run(web_client, asem):
    client = web_client("canbo", "79", "reporter")
    with open(ASEM / "ASEM_iMeta.csv", "rb") as imeta:
        assert client.post("/indices/import/", {"code": "X", "imeta": imeta}).status_code == 404
    assert client.post("/indices/ASEM/run/", {"dataset": "ASEM2018", "methodology": "COINR", "year": "2018"}).status_code == 404
    assert not Run.objects.exists()


def test_api_runs_and_reads_ranking_scorecard_and_comparison(api_client, asem):
    client = api_client("bcd", "79", "steering")
    response = client.post("/api/indices/ASEM/runs", {"dataset": "ASEM2018", "methodology": "COINR", "year": 2018}, content_type="application/json")
    assert response.status_code == 201, response.content
    first = response.json()["id"]
    ranking = client.get("/api/indices/ASEM/ranking").json()
    assert ranking["rows"][0]["rank"] == 1 and len(ranking["rows"]) == 51 and ranking["index"] == "Index"
    card = client.get("/api/indices/ASEM/units/CHE").json()
    assert card["scores"][0]["code"] == "Index" and card["trend"][0]["year"] == 2018
    steps = {"steps": [{"step": "denominate"}, {"step": "normalise", "method": "rank"}, {"step": "aggregate", "method": "arithmetic"}]}
    saved = client.post("/api/indices/ASEM/methodologies", {"code": "RANK", "steps": steps}, content_type="application/json")
    assert saved.status_code == 201 and saved.json()["version"] == 1
    second = client.post("/api/indices/ASEM/runs", {"dataset": "ASEM2018", "methodology": "RANK", "year": 2018}, content_type="application/json").json()["id"]
    shifts = client.get(f"/api/indices/ASEM/compare?a={first}&b={second}").json()
    assert len(shifts) == 51 and all(s["shift"] == s["rank_a"] - s["rank_b"] for s in shifts)


def test_api_refuses_a_viewer_and_names_a_bad_step(api_client, asem):
    viewer = api_client("xem", "79", "viewer")
    response = viewer.post("/api/indices/ASEM/runs", {"dataset": "ASEM2018", "methodology": "COINR", "year": 2018}, content_type="application/json")
    assert response.status_code == 403 and response.json()["error"]["code"] == "forbidden"
    admin = api_client("qt", "79", "administrator")
    response = admin.post("/api/indices/ASEM/methodologies", {"code": "BAD", "steps": {"steps": [{"step": "normalise", "method": "cube"}]}},
                          content_type="application/json")
    assert response.status_code == 422, response.content
    detail = response.json()["error"]["details"][0]
    assert (detail["code"], detail["field"]) == ("bad_option", "normalise")


def test_api_imports_imeta_and_idata_and_names_a_bad_cell(api_client):
    client = api_client("qt", "79", "administrator")
    with open(ASEM / "ASEM_iMeta.csv", "rb") as imeta, open(ASEM / "ASEM_iData.csv", "rb") as idata:
        response = client.post("/api/indices?code=ASEM&name=ASEM&dataset=ASEM2018", {"imeta": imeta, "idata": idata})
    assert response.status_code == 201, response.content
    assert len(response.json()["elements"]) == len(pd.read_csv(ASEM / "ASEM_iMeta.csv"))
    assert Framework.objects.get(code="ASEM").datasets.get().units.count() == 51
    bad = pd.read_csv(ASEM / "ASEM_iData.csv", dtype=object)
    bad.loc[bad["uCode"] == "VNM", "Tariff"] = "n/a?"
    with open(ASEM / "ASEM_iMeta.csv", "rb") as imeta:
        response = client.post("/api/indices?code=ASEM&name=ASEM&dataset=BAD", {"imeta": imeta, "idata": io.BytesIO(bad.to_csv(index=False).encode())})
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["field"] == "VNM:Tariff"
    assert client.get("/api/indices/ASEM").json()["version"] == 1  # the refused request left the framework as it was
    with open(ASEM / "ASEM_iMeta.csv", "rb") as imeta:
        response = client.post("/api/indices?code=NEW&name=New", {"imeta": imeta, "idata": io.BytesIO(bad.to_csv(index=False).encode())})
    assert response.status_code == 422 and not Framework.objects.filter(code="NEW").exists()  # framework and data, or neither


def test_the_import_form_is_offered_to_managers_on_their_own_unit_only(web_client):
    admin = web_client("qt.skhcn", "79.SKHCN", "administrator").get("/indices/").content.decode()
    assert 'id="index-import"' in admin and 'name="owner" value="79.SKHCN"' in admin
    reporter = web_client("cb", "79", "reporter").get("/indices/").content.decode()
    assert 'id="index-import"' not in reporter


def test_api_queues_an_uncertainty_run_as_a_background_job(api_client, asem):
    client = api_client("bcd.unc", "79", "steering")
    response = client.post("/api/indices/ASEM/runs", {"dataset": "ASEM2018", "methodology": "COINR", "year": 2018, "kind": "uncertainty",
                                                      "replications": 20}, content_type="application/json")
    assert response.status_code == 202 and response.json()["status"] == "queued" and response.json()["kind"] == "indices.uncertainty"
    assert not Run.objects.exists()
    assert run_queued() == 1
    job = client.get(f"/api/jobs/{response.json()['id']}").json()
    assert (job["status"], job["result"]["url"]) == ("succeeded", "/indices/ASEM/")
    assert Run.objects.get().kind == "uncertainty"


def test_an_uncertainty_job_reports_its_replications_batch_by_batch(api_client, asem, asem_engine, monkeypatch):
    from dieuhanh.core.coin import uncertainty as mc

    seen = []
    batched = mc.uncertainty(asem_engine.framework, asem_engine.data, asem_engine.steps, n=120, seed=3,
                             progress=lambda done, total: seen.append((done, total)))
    assert seen == [(50, 120), (100, 120), (120, 120)]  # batches of 50 replications, the last one short
    monkeypatch.setattr(mc, "REPLICATION_BATCH", 1000)
    whole = mc.uncertainty(asem_engine.framework, asem_engine.data, asem_engine.steps, n=120, seed=3)
    pd.testing.assert_frame_equal(batched.summary, whole.summary)  # evaluating in batches changes no number
    monkeypatch.undo()

    client = api_client("bcd.unc", "79", "steering")
    response = client.post("/api/indices/ASEM/runs", {"dataset": "ASEM2018", "methodology": "COINR", "year": 2018, "kind": "uncertainty",
                                                      "replications": 120}, content_type="application/json")
    run_queued()
    job = client.get(f"/api/jobs/{response.json()['id']}").json()
    assert (job["status"], job["done"], job["total"]) == ("succeeded", 120, 120)  # counted in replications, not 0/1
