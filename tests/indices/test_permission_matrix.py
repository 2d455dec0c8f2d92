"""Index actions × roles × where the role is held: on the city that owns the framework ("city"), on a ward below it
("ward"), on a department beside the owner ("department"). Managing and running need steering or administrator on
the owner or above; anyone else outside the owner's reach is told "not found"; refusals leave no trace. The expected
answers are written out here, not read from ``access.policy.PERMISSIONS``."""

from __future__ import annotations

import pandas as pd
import pytest

from dieuhanh.access.models import Role
from dieuhanh.audit.models import AuditEvent
from dieuhanh.errors import Forbidden, NotFound
from dieuhanh.indices import services
from dieuhanh.indices.models import Dataset, Methodology, Run
from dieuhanh.core.coin.examples import ASEM_DIR as ASEM
from tests.conftest import SYSTEM, allowed_table

OWNER = "79.SKHCN"  # the framework of these tests belongs to the department
POSITIONS = {"owner": "79.SKHCN", "city": "79", "below": "79.SKHCN.TTCDS", "other": "26743"}
ACTIONS = {
    "framework_import": ("index_manage", "owner"),
    "dataset_import": ("index_manage", "owner"),
    "methodology_save": ("index_manage", "owner"),
    "index_run": ("index_run", "owner"),
    "uncertainty_run": ("index_run", "owner"),
}
ALLOWED = allowed_table("""
                     viewer  reporter  approver  steering  administrator
framework_import     no      no        no        yes       yes
dataset_import       no      no        no        yes       yes
methodology_save     no      no        no        yes       yes
index_run            no      no        no        yes       yes
uncertainty_run      no      no        no        yes       yes
""")
REACHES_OWNER = {"owner": True, "city": True, "below": False, "other": False}


@pytest.fixture
def scene(hcmc):
    framework = services.framework_import(actor=SYSTEM, owner=hcmc[OWNER], code="ASEM", name="ASEM", imeta=pd.read_csv(ASEM / "ASEM_iMeta.csv", dtype=object))
    services.dataset_import(actor=SYSTEM, framework=framework, code="D", name="D", idata=pd.read_csv(ASEM / "ASEM_iData.csv", dtype=object))
    services.methodology_save(actor=SYSTEM, framework=framework, code="M", name="M", steps={"steps": [
        {"step": "normalise", "method": "minmax"}, {"step": "aggregate", "method": "arithmetic"}]})
    return framework


def attempt(action, actor, framework):
    dataset, methodology = Dataset.objects.get(framework=framework), Methodology.objects.get(framework=framework)
    if action == "framework_import":
        imeta = pd.read_csv(ASEM / "ASEM_iMeta.csv", dtype=object)
        imeta.loc[imeta["iCode"] == "Conn", "Weight"] = "2"
        return services.framework_import(actor=actor, owner=framework.owner, code="ASEM", name="ASEM", imeta=imeta, replace=True)
    if action == "dataset_import":
        return services.dataset_import(actor=actor, framework=framework, code="D2", name="D2", idata=pd.read_csv(ASEM / "ASEM_iData.csv", dtype=object))
    if action == "methodology_save":
        return services.methodology_save(actor=actor, framework=framework, code="M", name="M", steps={"steps": [
            {"step": "normalise", "method": "rank"}, {"step": "aggregate", "method": "arithmetic"}]})
    if action == "index_run":
        return services.index_run(actor=actor, framework=framework, dataset=dataset, methodology=methodology, year=2018)
    if action == "uncertainty_run":
        return services.uncertainty_run(actor=actor, framework=framework, dataset=dataset, methodology=methodology, year=2018, replications=10)
    raise AssertionError(action)


@pytest.mark.parametrize("position", list(POSITIONS))
@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("action", list(ACTIONS))
def test_index_actions(scene, make_user, action, role, position):
    actor = make_user("actor", POSITIONS[position], role)
    events, runs = AuditEvent.objects.count(), Run.objects.count()
    if not REACHES_OWNER[position]:
        expected = NotFound
    else:
        expected = None if role in ALLOWED[action] else Forbidden
    if expected is None:
        attempt(action, actor, scene)
        assert AuditEvent.objects.count() == events + 1
        assert AuditEvent.objects.latest("id").actor_label == "actor"
    else:
        with pytest.raises(expected):
            attempt(action, actor, scene)
        assert (AuditEvent.objects.count(), Run.objects.count()) == (events, runs)


def test_a_framework_of_another_unit_cannot_be_replaced_by_naming_ones_own_unit(scene, make_user, hcmc):
    actor = make_user("ward.admin", "26743", "administrator")
    with pytest.raises(NotFound):
        services.framework_import(actor=actor, owner=hcmc["26743"], code="ASEM", name="hijack", imeta=pd.read_csv(ASEM / "ASEM_iMeta.csv", dtype=object))
