"""Plans, task groups, tasks, progress reports with evidence, extensions, explanations.

A plan (e.g. Kế hoạch 4354/KH-UBND) is issued by a unit (the assigning level) and holds task groups; a task
has a lead unit (chủ trì), coordinating units (phối hợp), a product (sản phẩm), a deadline and a budget, and
may have sub-tasks to any depth. Dated facts — state changes, approved deadline changes, approved reports —
are kept as rows so a task's status can be re-computed for any past date (``dieuhanh.core.tasks.status``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dieuhanh.core.tasks.appendix_sheet import FUNDING_SOURCES
from dieuhanh.core.tasks.rollup import RollupRule
from dieuhanh.core.tasks.status import State
from dieuhanh.core.tasks.colours import WarningRule

USER = settings.AUTH_USER_MODEL


class ReportingFrequency(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    HALF_YEARLY = "half_yearly", _("Every six months")


class Phase(models.TextChoices):
    P2025_2027 = "2025-2027", "2025–2027"
    P2027_2030 = "2027-2030", "2027–2030"


def default_warning_rule() -> dict:
    return WarningRule().to_dict()


# Where a task's money comes from (nguồn kinh phí), in the words officials write.
FUNDING_SOURCE_CHOICES = list(FUNDING_SOURCES.items())


class Plan(models.Model):
    number = models.CharField(_("document number"), max_length=60, unique=True, help_text=_("e.g. 4354/KH-UBND"))
    title = models.CharField(_("title"), max_length=500)
    issuer = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="plans", verbose_name=_("issued by"))
    issued_on = models.DateField(_("issued on"))
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    reporting_frequency = models.CharField(_("reporting"), max_length=16, choices=ReportingFrequency.choices, default=ReportingFrequency.MONTHLY)
    rollup_rule = models.CharField(_("parent progress rule"), max_length=16, choices=[(r.value, r.value) for r in RollupRule], default=RollupRule.WEIGHTED.value)
    warning_rule = models.JSONField(_("warning rule"), default=default_warning_rule)
    source = models.CharField(_("source"), max_length=255, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-issued_on", "number"]
        constraints = [models.CheckConstraint(condition=models.Q(period_end__gte=models.F("period_start")), name="plan_period_ordered")]

    def __str__(self) -> str:
        return self.number

    @property
    def rule(self) -> WarningRule:
        return WarningRule.from_dict(self.warning_rule)


class TaskGroup(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="groups")
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=500)

    class Meta:
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="group_number_unique")]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class Tag(models.Model):
    name = models.CharField(max_length=80, unique=True)

    def __str__(self) -> str:
        return self.name


class Task(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="tasks")
    group = models.ForeignKey(TaskGroup, on_delete=models.PROTECT, related_name="tasks")
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children")
    code = models.CharField(_("code"), max_length=60)
    position = models.PositiveIntegerField(default=0, help_text="order among siblings, as in the plan's appendix")
    stt = models.CharField(_("No."), max_length=20, blank=True, help_text=_("numbering as written in the appendix"))
    title = models.TextField(_("task"))
    description = models.TextField(_("description"), blank=True)
    lead_unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="led_tasks", verbose_name=_("lead unit (chủ trì)"))
    coordinating_units = models.ManyToManyField("units.Unit", blank=True, related_name="coordinated_tasks", verbose_name=_("coordinating units (phối hợp)"))
    product = models.TextField(_("product (sản phẩm)"), blank=True)
    assigned_on = models.DateField(_("assigned on"))
    start_date = models.DateField(_("start"), null=True, blank=True)
    original_deadline = models.DateField(_("original deadline"), null=True, blank=True)
    deadline = models.DateField(_("deadline in force"), null=True, blank=True)
    deadline_text = models.CharField(_("deadline as written"), max_length=120, blank=True)
    phase = models.CharField(_("phase"), max_length=10, choices=Phase.choices, blank=True)
    key = models.BooleanField(_("key task (trọng điểm)"), default=False)
    budget_planned = models.DecimalField(_("planned budget (VND)"), max_digits=18, decimal_places=0, null=True, blank=True)
    budget_allocated = models.DecimalField(_("allocated (VND)"), max_digits=18, decimal_places=0, null=True, blank=True)
    budget_disbursed = models.DecimalField(_("disbursed (VND)"), max_digits=18, decimal_places=0, null=True, blank=True)
    funding_source = models.CharField(_("funding source"), max_length=12, choices=FUNDING_SOURCE_CHOICES, blank=True)
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=2, null=True, blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="tasks")
    state = models.CharField(_("state"), max_length=12, choices=[(s.value, s.value) for s in State], default=State.OPEN.value)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    progress = models.DecimalField(_("progress (%)"), max_digits=5, decimal_places=2, default=0)
    source = models.CharField(_("source"), max_length=500, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["plan", "group__number", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="task_code_unique_in_plan"),
            models.CheckConstraint(condition=models.Q(progress__gte=0, progress__lte=100), name="task_progress_range"),
        ]
        indexes = [models.Index(fields=["lead_unit", "state"]), models.Index(fields=["deadline"])]

    def __str__(self) -> str:
        return f"{self.code} {self.title[:80]}"


class TaskStateChange(models.Model):
    """A dated change of lifecycle state (open, paused, cancelled, completed). Append-only."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="state_changes")
    state = models.CharField(max_length=12, choices=[(s.value, s.value) for s in State])
    effective_on = models.DateField()
    # The day the change became known (decided or approved): an "as of" report ignores later knowledge.
    recorded_on = models.DateField()
    note = models.TextField(blank=True)
    actor_label = models.CharField(max_length=150)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["effective_on", "id"]


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class DeadlineChange(models.Model):
    """A request to move a task's deadline, decided by the assigning level. Approved ones take effect on
    the day they are decided; the original and every later deadline stay visible."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="deadline_changes")
    old_deadline = models.DateField(null=True, blank=True)
    new_deadline = models.DateField()
    reason = models.TextField()
    status = models.CharField(max_length=10, choices=ExtensionStatus.choices, default=ExtensionStatus.PENDING)
    requested_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    effective_on = models.DateField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["requested_at", "id"]


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned for revision")


# The review comment of every report of a made-up (synthetic) reporting history (the demo, load tests): what shows
# it, in pages or files, says the figures are synthetic.
SYNTHETIC_HISTORY = "DỮ LIỆU GIẢ LẬP: lịch sử báo cáo minh họa"


class ProgressReport(models.Model):
    """The lead unit's report on a task for one reporting period. Approved reports are locked."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="reports")
    period = models.CharField(_("period"), max_length=10, help_text="2026-06, 2026-Q2 or 2026-H1")
    period_end = models.DateField()
    percent = models.DecimalField(_("progress (%)"), max_digits=5, decimal_places=2)
    completed = models.BooleanField(_("task completed"), default=False)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    done = models.TextField(_("what was done"), blank=True)
    difficulties = models.TextField(_("difficulties (khó khăn, vướng mắc)"), blank=True)
    proposals = models.TextField(_("proposals (đề xuất)"), blank=True)
    status = models.CharField(max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_comment = models.TextField(_("review comment"), blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["task", "-period_end"]
        constraints = [
            models.UniqueConstraint(fields=["task", "period"], name="report_one_per_period"),
            models.CheckConstraint(condition=models.Q(percent__gte=0, percent__lte=100), name="report_percent_range"),
        ]

    def __str__(self) -> str:
        return f"{self.task.code} {self.period}"


class Evidence(models.Model):
    """A file proving progress (PDF, Office, image). Stored once per content (SHA-256)."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="evidence")
    filename = models.CharField(max_length=255)
    kind = models.CharField(max_length=10)
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64, db_index=True)
    uploaded_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.filename


class Contribution(models.Model):
    """A coordinating unit's contribution (phối hợp) to a task in a period."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="contributions")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    period = models.CharField(max_length=10)
    text = models.TextField()
    submitted_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    submitted_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-period", "unit__name"]
        constraints = [models.UniqueConstraint(fields=["task", "unit", "period"], name="contribution_one_per_period")]


class ExplanationRequest(models.Model):
    """A steering request for an explanation (giải trình) that the lead unit must answer."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="explanations")
    message = models.TextField()
    due_on = models.DateField(null=True, blank=True)
    requested_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    response = models.TextField(blank=True)
    responded_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]

    @property
    def is_open(self) -> bool:
        return self.responded_at is None


class TaskFactSpan(models.Model):
    """A task's status facts over a span of days on the recorded timeline (``core.tasks.status.FactSpan``):
    derived from the dated facts above and rewritten in the same transaction as any change to them
    (``plans.facts.refresh``), so the status and colour of every task on any day are one join and one SQL
    expression away (``plans.facts``). Days are stored as ordinals (``date.toordinal()``) so the colour's
    arithmetic is the same integer arithmetic on every database."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="fact_spans")
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)  # exclusive; empty: up to now and beyond
    assigned_day = models.IntegerField()
    start_day = models.IntegerField()  # start date, or the assignment date when none
    deadline_day = models.IntegerField(null=True, blank=True)  # the deadline in force
    state = models.CharField(max_length=12, choices=[(s.value, s.value) for s in State])
    since_day = models.IntegerField(null=True, blank=True)  # when the state took effect (completion: the completion date)
    deadline_at_since_day = models.IntegerField(null=True, blank=True)  # the deadline in force on that day
    progress = models.FloatField(null=True, blank=True)  # latest approved percent; empty before the first approved report

    class Meta:
        ordering = ["task", "valid_from"]
        constraints = [models.UniqueConstraint(fields=["task", "valid_from"], name="fact_span_one_start")]
        indexes = [models.Index(fields=["valid_from", "valid_to"])]
