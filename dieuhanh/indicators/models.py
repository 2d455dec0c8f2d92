"""Indicators (KPIs), their targets and baselines, values per (indicator, unit, period), approval per
(unit, period), and validation rules.

Following DHIS2: a value is keyed by (indicator, unit, period) with who/when/comment; a formula indicator is
computed from others; approval per (unit, period) locks data and keeps unapproved numbers off official outputs.
Beyond DHIS2: targets (with ranges and ranks) are native, and units keep validity dates.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dieuhanh.core.indicators.aggregate import Aggregation

USER = settings.AUTH_USER_MODEL


class Kind(models.TextChoices):
    STRATEGIC = "strategic", _("Strategic")
    OPERATIONAL = "operational", _("Operational")


class ValueType(models.TextChoices):
    NUMBER = "number", _("Number")
    PERCENT = "percent", _("Percent")
    MONEY_VND = "money_vnd", _("Money (VND)")
    MONEY_USD = "money_usd", _("Money (USD)")
    COUNT = "count", _("Count")
    RANK = "rank", _("Rank (lower is better)")


class PeriodType(models.TextChoices):
    YEARLY = "yearly", _("Year")
    HALF_YEARLY = "half_yearly", _("Half-year")
    QUARTERLY = "quarterly", _("Quarter")
    MONTHLY = "monthly", _("Month")


class Indicator(models.Model):
    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name (Vietnamese)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    measure = models.CharField(_("unit of measure"), max_length=60, blank=True)
    value_type = models.CharField(_("value type"), max_length=12, choices=ValueType.choices, default=ValueType.NUMBER)
    higher_is_better = models.BooleanField(_("higher is better"), default=True)
    period_type = models.CharField(_("period"), max_length=12, choices=PeriodType.choices, default=PeriodType.YEARLY)
    aggregation = models.CharField(_("aggregation across units"), max_length=14, choices=[(a.value, a.value) for a in Aggregation], default=Aggregation.SUM.value)
    weight_indicator = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                         help_text=_("for a weighted mean: the indicator whose values weigh each unit"))
    owner = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="owned_indicators", verbose_name=_("owner unit"))
    reporting_units = models.ManyToManyField("units.Unit", blank=True, related_name="reported_indicators", verbose_name=_("reporting units"))
    communes_of = models.ForeignKey("units.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                    help_text=_("every commune-level unit below this unit reports (e.g. the city's 168)"))
    formula = models.TextField(_("formula"), blank=True, help_text=_("e.g. KHCN_CHI / TONG_CHI * 100; empty for reported values"))
    decimals = models.PositiveSmallIntegerField(default=1)
    source = models.TextField(_("source"), blank=True)
    methodology = models.TextField(_("methodology"), blank=True)
    tasks = models.ManyToManyField("plans.Task", blank=True, related_name="indicators", verbose_name=_("tasks serving it"))
    active = models.BooleanField(default=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_formula(self) -> bool:
        return bool(self.formula.strip())


class TargetKind(models.TextChoices):
    BASELINE = "baseline", _("Baseline")
    TARGET = "target", _("Target")


class Target(models.Model):
    """A baseline or a target of an indicator for a unit and year; ``value_high`` makes a range ("30–40 %")."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=TargetKind.choices, default=TargetKind.TARGET)
    year = models.PositiveSmallIntegerField()
    value = models.DecimalField(max_digits=20, decimal_places=4)
    value_high = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)
    label = models.CharField(max_length=120, blank=True, help_text=_("as written, e.g. 30–40 % or top 100"))
    source = models.CharField(max_length=300, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["indicator", "unit", "kind", "year"]
        constraints = [models.UniqueConstraint(fields=["indicator", "unit", "kind", "year"], name="target_unique")]


class ValueStatus(models.TextChoices):
    ESTIMATED = "estimated", _("Estimated")
    PROVISIONAL = "provisional", _("Provisional")
    FINAL = "final", _("Final")


class Value(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="values")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="indicator_values")
    period = models.CharField(max_length=10)
    period_end = models.DateField()
    value = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)
    status = models.CharField(max_length=12, choices=ValueStatus.choices, default=ValueStatus.FINAL)
    comment = models.TextField(blank=True)
    source = models.CharField(_("source system"), max_length=300, blank=True)
    evidence_sha256 = models.CharField(max_length=64, blank=True)
    evidence_name = models.CharField(max_length=255, blank=True)
    entered_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    entered_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["indicator", "unit", "period_end"]
        constraints = [models.UniqueConstraint(fields=["indicator", "unit", "period"], name="value_unique")]
        indexes = [models.Index(fields=["unit", "period"])]


class ApprovalStatus(models.TextChoices):
    OPEN = "open", _("Open for entry")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")


class Approval(models.Model):
    """The state of one unit's data for one period: open → submitted → approved (→ unapproved with a reason)."""

    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    period = models.CharField(max_length=10)
    status = models.CharField(max_length=10, choices=ApprovalStatus.choices, default=ApprovalStatus.OPEN)
    submitted_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "period"], name="approval_unique")]


class RuleKind(models.TextChoices):
    RANGE = "range", _("Range")
    COMPARE = "compare", _("Comparison with other indicators")
    JUMP = "jump", _("Jump from the previous period")


class Severity(models.TextChoices):
    BLOCK = "block", _("Blocks approval")
    COMMENT = "comment", _("Needs a comment")


class ValidationRule(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="rules")
    kind = models.CharField(max_length=10, choices=RuleKind.choices)
    # range: {"min": 0, "max": 100}; compare: {"op": "<=", "expression": "HS_TIEPNHAN"}; jump: {"max_change": 0.5}
    params = models.JSONField(default=dict)
    severity = models.CharField(max_length=8, choices=Severity.choices, default=Severity.BLOCK)
    message = models.CharField(_("message"), max_length=300, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["indicator", "id"]
