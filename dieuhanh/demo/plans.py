"""The demo's plans: Kế hoạch 4354/KH-UBND from the seed articles, and a labelled synthetic plan at scale."""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Callable
from decimal import Decimal
from importlib import resources

from django.utils import timezone

from dieuhanh.demo.history import SimHistory, history_load, simulate, tasks_load
from dieuhanh.plans.models import Plan, Task
from dieuhanh.plans.services import explanation_request, group_create, plan_create, rollup_upwards, task_create
from dieuhanh.units.models import Unit, UnitKind
from dieuhanh.units.selectors import city_code

PLAN_FILE = "data/plan_4354.json"
SYNTHETIC_NUMBER = "DEMO-TH/2025"


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _vnd(item: dict, key: str) -> Decimal | None:
    """An amount of the plan file (million VND) in VND."""
    return Decimal(str(item[key])) * 1_000_000 if item.get(key) is not None else None


def load_plan_4354(*, actor, today: dt.date | None = None, seed: int = 57) -> Plan | None:
    """Create 4354/KH-UBND with its groups and tasks and a synthetic reporting history up to ``today``.
    Does nothing if the plan exists."""
    data = json.loads(resources.files("dieuhanh.demo").joinpath(PLAN_FILE).read_text(encoding="utf-8"))
    meta = data["plan"]
    if Plan.objects.filter(number=meta["number"]).exists():
        return None
    units = {u.code: u for u in Unit.objects.all()}
    plan = plan_create(actor=actor, issuer=units[meta["issuer_code"]], number=meta["number"], title=meta["title"],
                       issued_on=_date(meta["issued_on"]), period_start=_date(meta["period_start"]), period_end=_date(meta["period_end"]),
                       reporting_frequency=meta.get("reporting", "monthly"), source=meta.get("source", ""))
    tasks = []

    def add(group, item, parent=None, position=0):
        stt = f"{parent.stt}.{position + 1}" if parent else str(position + 1)
        task = task_create(
            actor=actor, plan=plan, group=group, parent=parent, code=item["code"], stt=stt, position=position,
            title=item["title"], lead_unit=units[item["lead"]], coordinating_units=[units[c] for c in item.get("coordinators", [])],
            product=item.get("product", ""), start_date=_date(item.get("start")), deadline=_date(item.get("deadline")),
            deadline_text=item.get("deadline_text", ""), phase=item.get("phase", ""), key=item.get("key", False),
            budget_planned=_vnd(item, "budget_million_vnd"), budget_allocated=_vnd(item, "budget_allocated_million_vnd"),
            budget_disbursed=_vnd(item, "budget_disbursed_million_vnd"), funding_source=item.get("funding_source", ""),
            tags=item.get("tags", []),
            source=item.get("source", ""), assigned_on=min(plan.issued_on, _date(item.get("start")) or plan.issued_on),
        )
        tasks.append(task)
        for i, sub in enumerate(item.get("subtasks", [])):
            add(group, sub, task, i)

    for g in data["groups"]:
        group = group_create(actor=actor, plan=plan, number=g["number"], title=g["title"])
        for i, item in enumerate(g["tasks"]):
            add(group, item, None, i)
    _simulate_and_load(actor, tasks, today or timezone.localdate(), random.Random(seed))
    overdue = next((t for t in plan.tasks.filter(state="open", deadline__lt=today or timezone.localdate()).order_by("deadline")), None)
    if overdue is not None:
        explanation_request(actor=actor, task=overdue, message="Đề nghị đơn vị giải trình nguyên nhân chậm tiến độ và đề xuất giải pháp (dữ liệu demo).")
    return plan


def _simulate_and_load(actor, tasks, today: dt.date, rng: random.Random, progress: Callable[[int], None] | None = None) -> int:
    histories: dict[int, SimHistory] = {}
    parents = {t.parent_id for t in tasks}
    leaves = [t for t in tasks if t.pk not in parents]
    for t in leaves:
        histories[t.pk] = simulate(start=t.start_date or t.assigned_on, deadline=t.deadline, until=today,
                                   frequency=t.plan.reporting_frequency, rng=rng)
    written = 0
    ids = list(histories)
    for i in range(0, len(ids), 500):
        chunk = {k: histories[k] for k in ids[i:i + 500]}
        written += history_load(actor=actor, histories=chunk)
        if progress:
            progress(min(i + 500, len(ids)))
    for parent in Task.objects.filter(pk__in=[t.pk for t in tasks], children__isnull=False).distinct():
        rollup_upwards(parent)
    return written


GROUP_TITLES = [
    "Lãnh đạo, chỉ đạo", "Nâng cao nhận thức", "Hoàn thiện thể chế", "Hạ tầng số, nền tảng và dịch vụ số",
    "Hệ sinh thái khởi nghiệp, đổi mới sáng tạo", "Nhân lực chất lượng cao", "Chuyển đổi số, kinh tế số",
    "An ninh mạng, chủ quyền số", "Hợp tác quốc tế", "Giám sát, đánh giá, tuyên truyền",
]
VERBS = ["Triển khai", "Xây dựng", "Hoàn thiện", "Số hóa", "Tổ chức", "Nâng cấp", "Đánh giá", "Phổ biến"]
OBJECTS = ["nền tảng dữ liệu dùng chung", "dịch vụ công trực tuyến toàn trình", "kho dữ liệu hồ sơ", "lớp bồi dưỡng kỹ năng số",
           "hệ thống phản ánh kiến nghị", "bản đồ số", "cơ sở dữ liệu doanh nghiệp", "điểm hỗ trợ chuyển đổi số cộng đồng",
           "quy trình nội bộ điện tử", "chương trình truyền thông về Nghị quyết 57"]


def generate_synthetic_plan(*, actor, tasks: int = 3000, months: int = 24, seed: int = 57, today: dt.date | None = None,
                            progress: Callable[[int], None] | None = None) -> Plan:
    """A plan labelled synthetic with ``tasks`` tasks spread over every ward and department of the city
    (``city_code()``) and ``months``
    months of approved reports, for realism and load. Replaces nothing: refuses if it exists."""
    today = today or timezone.localdate()
    rng = random.Random(seed)
    start = dt.date(today.year, today.month, 1) - dt.timedelta(days=int(months * 30.44))
    city = Unit.objects.get(code=city_code())
    plan = plan_create(actor=actor, issuer=city, number=SYNTHETIC_NUMBER, title="Kế hoạch tổng hợp (DỮ LIỆU GIẢ LẬP để trình diễn và kiểm thử tải)",
                       issued_on=start, period_start=start, period_end=dt.date(2030, 12, 31), source="synthetic: dieuhanh generate_tasks")
    groups = [group_create(actor=actor, plan=plan, number=i + 1, title=title) for i, title in enumerate(GROUP_TITLES)]
    units = list(Unit.objects.filter(parent=city, kind__in=[UnitKind.COMMUNE, UnitKind.DEPARTMENT]))
    created, batch = [], []
    for n in range(tasks):
        group = groups[n % len(groups)]
        unit = units[n % len(units)]
        begin = start + dt.timedelta(days=rng.randint(0, 200))
        deadline = begin + dt.timedelta(days=rng.randint(90, 900))
        batch.append(Task(
            plan=plan, group=group, code=f"TH.{group.number}.{n + 1:04d}", position=n // len(groups), stt=str(n // len(groups) + 1),
            title=f"{rng.choice(VERBS)} {rng.choice(OBJECTS)} (giả lập)", lead_unit=unit, start_date=begin, original_deadline=deadline,
            deadline=deadline, assigned_on=start, key=rng.random() < 0.1, source="synthetic",
        ))
        if len(batch) == 1000 or n + 1 == tasks:
            created += tasks_load(actor=actor, tasks=batch)
            batch = []
            if progress:
                progress(len(created) // 2)
    _simulate_and_load(actor, created, today, rng, progress=(lambda done: progress((tasks + done) // 2)) if progress else None)
    return plan
