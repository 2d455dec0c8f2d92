"""Accounts, roles and tokens: duplicates, reach, bad input, nothing half-written."""

import pytest

from dieuhanh.access.models import RoleAssignment
from dieuhanh.accounts.models import User
from dieuhanh.accounts.selectors import user_get_visible
from dieuhanh.accounts.services import role_grant, role_revoke, token_create, token_revoke, user_create, user_for_token
from dieuhanh.audit.models import AuditEvent
from dieuhanh.errors import Conflict, Invalid, NotFound
from tests.conftest import PASSWORD, SYSTEM


def test_a_new_account_comes_with_its_first_role_and_two_audit_events(hcmc, make_user):
    admin = make_user("admin.ward", "26743", "administrator")
    user = user_create(actor=admin, username="canbo.moi", password=PASSWORD, unit=hcmc["26743"], role="reporter",
                       full_name="  Nguyễn  Văn A ", email="A@Example.vn")
    assert user.full_name == "Nguyễn Văn A" and user.email == "a@example.vn"
    assert user.check_password(PASSWORD)
    assert list(user.role_assignments.values_list("unit__code", "role")) == [("26743", "reporter")]
    assert list(AuditEvent.objects.filter(actor=admin).values_list("action", flat=True).order_by("id")) == ["user_create", "role_grant"]


@pytest.mark.parametrize("username,email,code", [("CANBO", "", "user_exists"), ("khac", "CANBO@example.vn", "email_taken")])
def test_duplicate_accounts_are_refused_case_insensitively(hcmc, make_user, username, email, code):
    make_user("canbo", "26743", "reporter", email="canbo@example.vn")
    events_before = AuditEvent.objects.count()
    with pytest.raises(Conflict) as err:
        user_create(actor=SYSTEM, username=username, password=PASSWORD, unit=hcmc["26743"], role="reporter", email=email)
    assert err.value.code == code
    assert User.objects.count() == 1 and AuditEvent.objects.count() == events_before


def test_bad_account_input_lists_every_problem(hcmc):
    with pytest.raises(Invalid) as err:
        user_create(actor=SYSTEM, username="có dấu cách", password="123", unit=hcmc["26743"], role="reporter", email="not-an-email")
    fields = [d["field"] for d in err.value.details]
    assert "username" in fields and "email" in fields and "password" in fields
    assert User.objects.count() == 0


def test_an_unknown_role_is_invalid_and_creates_no_account(hcmc):
    with pytest.raises(Invalid):
        user_create(actor=SYSTEM, username="x", password=PASSWORD, unit=hcmc["26743"], role="king")
    assert User.objects.count() == 0


def test_an_administrator_cannot_grant_a_role_on_a_unit_outside_their_reach(hcmc, make_user):
    ward_admin = make_user("admin.benthanh", "26743", "administrator")
    someone = make_user("someone", "26743", "viewer")
    with pytest.raises(NotFound):
        role_grant(actor=ward_admin, user=someone, unit=hcmc["26740"], role="reporter")
    with pytest.raises(NotFound):
        user_create(actor=ward_admin, username="lan.sang", password=PASSWORD, unit=hcmc["79"], role="steering")
    assert not RoleAssignment.objects.filter(unit__code__in=["26740", "79"]).exists()


def test_the_same_active_role_twice_is_a_conflict_but_can_be_granted_again_after_revoking(hcmc, make_user):
    someone = make_user("someone", "26743", "viewer")
    with pytest.raises(Conflict):
        role_grant(actor=SYSTEM, user=someone, unit=hcmc["26743"], role="viewer")
    role_revoke(actor=SYSTEM, assignment=someone.role_assignments.get())
    with pytest.raises(Conflict):
        role_revoke(actor=SYSTEM, assignment=someone.role_assignments.get())
    role_grant(actor=SYSTEM, user=someone, unit=hcmc["26743"], role="viewer")
    assert someone.role_assignments.count() == 2 and someone.role_assignments.filter(revoked_at__isnull=True).count() == 1


def test_people_are_visible_to_those_whose_reach_covers_one_of_their_units(hcmc, make_user):
    reporter = make_user("canbo.benthanh", "26743", "reporter")
    city_viewer = make_user("xem.tp", "79", "viewer")
    other_ward = make_user("canbo.saigon", "26740", "reporter")
    assert user_get_visible(actor=city_viewer, username="canbo.benthanh") == reporter
    assert user_get_visible(actor=reporter, username="CANBO.BENTHANH") == reporter
    with pytest.raises(NotFound):
        user_get_visible(actor=other_ward, username="canbo.benthanh")
    with pytest.raises(NotFound):
        user_get_visible(actor=other_ward, username="khong.ton.tai")


def test_tokens_authenticate_until_revoked_and_only_their_digest_is_stored(hcmc, make_user):
    user = make_user("api.client", "26743", "reporter")
    token, secret = token_create(actor=user, user=user, name="Excel add-in")
    assert secret not in token.digest and token.prefix == secret[:10]
    assert user_for_token(secret) == user
    assert user_for_token(secret + "x") is None
    token_revoke(actor=user, token=token)
    assert user_for_token(secret) is None
