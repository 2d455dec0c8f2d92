"""Two people importing the same new framework at the same moment: one framework, one 409, never a 500."""

from __future__ import annotations

import io
import threading

import pytest
from django.db import connection

from dieuhanh.access.policy import SystemActor
from dieuhanh.errors import Conflict
from dieuhanh.indices.models import Element, Framework
from dieuhanh.units.models import UnitKind

IMETA = b"""iCode,iName,Level,Parent,Weight,Direction,Type
A,Indicator A,1,Index,1,1,Indicator
B,Indicator B,1,Index,1,1,Indicator
Index,The index,2,,1,1,Aggregate
"""


def _upload(content: bytes, name: str) -> io.BytesIO:
    f = io.BytesIO(content)
    f.name = name
    return f


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_imports_of_one_new_framework_give_one_framework_and_one_409():
    from dieuhanh.indices.services import index_files_import
    from dieuhanh.units.services import unit_create

    system = SystemActor("tests")
    owner = unit_create(actor=system, parent=None, code="VN", name="Việt Nam", kind=UnitKind.COUNTRY)
    barrier = threading.Barrier(2)
    outcomes: list = [None, None]

    def worker(i: int) -> None:
        try:
            barrier.wait(timeout=10)
            outcomes[i] = index_files_import(actor=system, owner=owner, code="NEW", name=f"New {i}", imeta=_upload(IMETA, "m.csv"))
        except Exception as exc:  # the outcome is what the test checks
            outcomes[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sum(isinstance(o, Framework) for o in outcomes) == 1, outcomes
    refused = [o for o in outcomes if isinstance(o, Conflict)]
    assert len(refused) == 1 and refused[0].http_status == 409, outcomes
    assert Framework.objects.filter(code="NEW").count() == 1 and Element.objects.count() == 3
