"""One source of validation for the API: request fields take their limits from the model columns
(``api/fields.py: column``), dates and periods go through the one parser (``Day``, ``PeriodKey``), unreadable input
is refused before any view (``middleware.py``), versions are required and natural-key creates are race-safe."""

from __future__ import annotations

import json
import threading

import pytest
from django.db import connection
from pydantic import TypeAdapter, ValidationError

from dieuhanh.access.policy import SystemActor
from dieuhanh.api.fields import Day, PeriodKey, column
from dieuhanh.api.router import _detail
from dieuhanh.errors import Conflict
from dieuhanh.indicators.models import Value
from dieuhanh.units.models import Unit, UnitKind


def send(client, method, path, body=None, raw=None):
    data = raw if raw is not None else json.dumps(body)
    return getattr(client, method)(path, data=data, content_type="application/json")


def error_of(response) -> dict:
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}
    return body["error"]


def fields_and_codes(response) -> set[tuple[str, str]]:
    return {(d["field"], d["code"]) for d in error_of(response)["details"]}


# ---------------------------------------------------------------- limits from the columns → 400 naming the field

def test_a_string_longer_than_its_column_is_400_too_long_naming_the_field(api_client):
    client = api_client("admin", "79", "administrator")
    response = send(client, "post", "/api/units", {"parent_code": "79", "code": "79.X", "name": "x" * 256, "kind": "body"})
    assert response.status_code == 400 and error_of(response)["code"] == "invalid"
    assert fields_and_codes(response) == {("name", "too_long")}
    assert error_of(response)["details"][0]["message"] == "At most 255 characters."
    assert not Unit.objects.filter(code="79.X").exists()
    exact = send(client, "post", "/api/units", {"parent_code": "79", "code": "79.X", "name": "x" * 255, "kind": "body"})
    assert exact.status_code == 201


def test_an_integer_beyond_its_column_is_400_out_of_range_naming_the_field(api_client):
    client = api_client("admin", "79", "administrator")
    response = send(client, "patch", "/api/units/26743", {"version": 2**31, "short_name": "x"})
    assert response.status_code == 400 and fields_and_codes(response) == {("version", "out_of_range")}
    negative = send(client, "patch", "/api/units/26743", {"version": -1, "short_name": "x"})
    assert negative.status_code == 400 and fields_and_codes(negative) == {("version", "out_of_range")}


def test_a_decimal_beyond_its_column_is_out_of_range_naming_the_field():
    value = TypeAdapter(column(Value, "value"))  # max_digits=20, decimal_places=4
    assert str(value.validate_python("1234567890123456.1234")) == "1234567890123456.1234"
    for wrong in ("12345678901234567.1", "1.12345", "Infinity"):
        with pytest.raises(ValidationError) as err:
            value.validate_python(wrong)
        shown = _detail({**err.value.errors()[0], "loc": ("body", "body", "value")})
        assert (shown["field"], shown["code"]) == ("value", "out_of_range"), wrong


def test_an_integer_field_column_is_bounded_like_the_database():
    version = TypeAdapter(column(Unit, "version"))  # PositiveIntegerField
    assert version.validate_python(2147483647) == 2147483647
    with pytest.raises(ValidationError):
        version.validate_python(2147483648)


def test_a_nul_byte_in_a_column_string_is_refused():
    with pytest.raises(ValidationError):
        TypeAdapter(column(Unit, "name")).validate_python("Bến\x00Thành")


def test_query_parameters_have_limits_too(api_client):
    client = api_client("xem", "79", "viewer")
    assert fields_and_codes(client.get("/api/units", {"limit": 0})) == {("limit", "out_of_range")}
    assert fields_and_codes(client.get("/api/units", {"offset": -1})) == {("offset", "out_of_range")}
    assert fields_and_codes(client.get("/api/units", {"q": "x" * 401})) == {("q", "too_long")}
    assert fields_and_codes(client.get("/api/units", {"on": "0"})) == {("on", "invalid_date")}


# ---------------------------------------------------------------- the one date and period parser

@pytest.mark.parametrize("wrong", [0, "", "9999-12-31", "31/02/2026", "1899-12-31"])
def test_day_refuses_what_is_not_a_date(wrong):
    with pytest.raises(ValidationError):
        TypeAdapter(Day).validate_python(wrong)


def test_day_reads_both_spellings():
    import datetime as dt

    assert TypeAdapter(Day).validate_python("2026-06-30") == TypeAdapter(Day).validate_python("30/06/2026") == dt.date(2026, 6, 30)


@pytest.mark.parametrize("wrong", ["", "2026-13", "9999-12", 0])
def test_period_key_refuses_what_is_not_a_period(wrong):
    with pytest.raises(ValidationError):
        TypeAdapter(PeriodKey).validate_python(wrong)


def test_period_key_normalises():
    assert TypeAdapter(PeriodKey).validate_python("2026-Q2") == "2026-Q2"


# ---------------------------------------------------------------- unreadable input: 400 before any view

def test_a_nul_byte_in_a_query_is_400_invalid_characters(api_client):
    response = api_client("xem", "79", "viewer").get("/api/units", {"q": "ben\x00thanh"})
    assert response.status_code == 400 and error_of(response)["code"] == "invalid_characters"
    assert fields_and_codes(response) == {("q", "invalid_characters")}


def test_a_nul_byte_in_a_path_is_400_invalid_characters(api_client):
    response = api_client("xem", "79", "viewer").get("/api/units/26743%00")
    assert response.status_code == 400 and error_of(response)["code"] == "invalid_characters"


def test_a_nul_byte_in_json_is_400_naming_the_field(api_client):
    client = api_client("admin", "79", "administrator")
    response = send(client, "patch", "/api/units/26743", {"version": 1, "short_name": "a\x00b"})
    assert response.status_code == 400 and fields_and_codes(response) == {("short_name", "invalid_characters")}
    assert Unit.objects.get(code="26743").version == 1


def test_a_lone_surrogate_in_json_is_400_naming_the_field(api_client):
    client = api_client("admin", "79", "administrator")
    response = send(client, "patch", "/api/units/26743", raw='{"version": 1, "short_name": "\\ud800"}')
    assert response.status_code == 400 and fields_and_codes(response) == {("short_name", "invalid_characters")}
    assert Unit.objects.get(code="26743").version == 1


def test_a_nul_byte_in_a_form_field_is_400(api_client):
    response = api_client("admin", "79", "administrator").post("/api/indices?code=X&name=x", {"note": "a\x00b"})
    assert response.status_code == 400 and error_of(response)["code"] == "invalid_characters"


def test_multipart_without_boundary_is_400_malformed_request(api_client):
    client = api_client("admin", "79", "administrator")
    response = client.generic("POST", "/api/indices?code=X&name=x", b"--x\r\nbroken", content_type="multipart/form-data")
    assert response.status_code == 400 and error_of(response)["code"] == "malformed_request"


# ---------------------------------------------------------------- versions required, stale versions refused

def test_an_update_without_version_is_refused(api_client):
    client = api_client("admin", "79", "administrator")
    response = send(client, "patch", "/api/units/26743", {"short_name": "x"})
    assert response.status_code == 400 and fields_and_codes(response) == {("version", "missing")}
    close = send(client, "post", "/api/units/26743/close", {"valid_to": "2026-06-30"})
    assert close.status_code == 400 and fields_and_codes(close) == {("version", "missing")}
    assert Unit.objects.get(code="26743").short_name == ""


def test_the_services_refuse_a_missing_version_with_version_required(hcmc):
    from dieuhanh.errors import Invalid
    from dieuhanh.units.services import unit_close, unit_update

    system = SystemActor("tests")
    with pytest.raises(Invalid) as err:
        unit_update(actor=system, unit=hcmc["26743"], expected_version=None, short_name="x")
    assert err.value.code == "version_required" and err.value.http_status == 422
    import datetime as dt

    with pytest.raises(Invalid) as err:
        unit_close(actor=system, unit=hcmc["26743"], valid_to=dt.date(2026, 6, 30), expected_version=None)
    assert err.value.code == "version_required"


def test_a_stale_close_is_409_and_changes_nothing(api_client):
    client = api_client("admin", "79", "administrator")
    assert send(client, "patch", "/api/units/26743", {"version": 1, "short_name": "A"}).status_code == 200
    stale = send(client, "post", "/api/units/26743/close", {"version": 1, "valid_to": "2026-06-30"})
    assert stale.status_code == 409 and error_of(stale)["code"] == "stale_version"
    assert Unit.objects.get(code="26743").valid_to is None


# ---------------------------------------------------------------- natural keys: concurrent first saves

def _race(create, n: int = 2) -> list:
    """Run ``create`` in ``n`` threads (each with its own database connection) released together; their outcomes."""
    barrier = threading.Barrier(n)
    outcomes: list = [None] * n

    def worker(i: int) -> None:
        try:
            barrier.wait(timeout=10)
            outcomes[i] = create(i)
        except Exception as exc:  # the outcome is what the test checks
            outcomes[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_creates_of_one_unit_code_give_one_unit_and_one_409():
    from dieuhanh.units.services import unit_create

    system = SystemActor("tests")
    root = unit_create(actor=system, parent=None, code="VN", name="Việt Nam", kind=UnitKind.COUNTRY)
    outcomes = _race(lambda i: unit_create(actor=system, parent=root, code="79", name=f"Thành phố {i}", kind=UnitKind.PROVINCE))
    created = [o for o in outcomes if isinstance(o, Unit)]
    refused = [o for o in outcomes if isinstance(o, Conflict)]
    assert len(created) == 1 and len(refused) == 1, outcomes
    assert refused[0].code in ("already_exists", "unit_code_taken") and refused[0].http_status == 409
    assert Unit.objects.filter(code="79").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_creates_of_one_username_give_one_account_and_one_409():
    from dieuhanh.accounts.models import User
    from dieuhanh.accounts.services import user_create
    from dieuhanh.units.services import unit_create

    system = SystemActor("tests")
    root = unit_create(actor=system, parent=None, code="VN", name="Việt Nam", kind=UnitKind.COUNTRY)
    outcomes = _race(lambda i: user_create(actor=system, username="Moi" if i else "moi", password="mat-khau-thu-nghiem-2026",
                                           unit=root, role="viewer"))
    assert sum(isinstance(o, User) for o in outcomes) == 1, outcomes
    assert sum(isinstance(o, Conflict) for o in outcomes) == 1, outcomes
    assert User.objects.filter(username__iexact="moi").count() == 1


# ---------------------------------------------------------------- identifiers beyond any column: never a 500

def test_an_id_beyond_its_column_is_400_or_404_never_500(api_client, web_client):
    client = api_client("admin", "79", "administrator")
    huge = "9" * 30
    revoke = client.delete(f"/api/roles/{huge}")
    assert revoke.status_code == 400 and fields_and_codes(revoke) == {("assignment_id", "out_of_range")}
    assert client.get(f"/api/indices/X/runs/{huge}").status_code == 404
    assert client.get(f"/api/indices/X/ranking?run={huge}").status_code == 400
    page = web_client("admin.page", "79", "administrator")
    assert page.post(f"/roles/{huge}/revoke/").status_code == 404
