"""Calls for solutions from outside government: the city's ordered problems (đặt hàng bài toán) and its support
programmes (hỗ trợ), one machine for both.

A **call** (``Call``) is owned by a unit (the ordering department, or the programme's managing body); its kind says
whether it orders the solution of a problem or grants support (a non-refundable innovation grant, SME technology
adoption support, a start-up project, a venture-fund call). Its stages::

    draft → published (call open) → closed (proposals closed) → evaluation → selected
          → contracted (piloting; milestones, each optionally linked to a task of the plan)
          → accepted | failed (nghiệm thu) → in use (adopting units, since when, with what result)

A **proposer** (``Proposer``) is an organisation from outside government — an enterprise, a start-up, a research
institute, a university — or a citizen applying as an individual, with a verified e-mail and (for organisations) a
tax or registration code; the account holds no role on any unit. A **proposal** (``Proposal``) is one proposer's
answer to one call; the owner names a **council** (``CouncilMember``: officials) whose members declare conflicts
and score each proposal against the call's **criteria** (``Criterion``: weights summing to 100) in an
``Evaluation``. Rules of weights, scores and ranking: ``core/innovation/rules.py``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

USER = settings.AUTH_USER_MODEL


class Kind(models.TextChoices):
    PROBLEM = "problem", _("Ordered problem (đặt hàng bài toán)")
    GRANT = "grant", _("Non-refundable innovation grant")
    SME = "sme", _("SME technology adoption support")
    STARTUP = "startup", _("Start-up project")
    VENTURE = "venture", _("Venture fund call")


SUPPORT_KINDS = (Kind.GRANT, Kind.SME, Kind.STARTUP, Kind.VENTURE)


class Field(models.TextChoices):
    DIGITAL = "digital", _("Digital transformation")
    HEALTH = "health", _("Health")
    TRANSPORT = "transport", _("Transport, urban")
    ENVIRONMENT = "environment", _("Environment, climate")
    EDUCATION = "education", _("Education")
    ECONOMY = "economy", _("Economy, industry")
    PUBLIC_SERVICE = "public_service", _("Public services")
    OTHER = "other", _("Other")


class Stage(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Call open")
    CLOSED = "closed", _("Proposals closed")
    EVALUATION = "evaluation", _("Evaluation")
    SELECTED = "selected", _("Selected")
    CONTRACTED = "contracted", _("Contracted, piloting")
    ACCEPTED = "accepted", _("Accepted (nghiệm thu passed)")
    FAILED = "failed", _("Acceptance failed")
    IN_USE = "in_use", _("In use")


# The order of the stages (a stage "or later" is one at or after it in this list; failed ends the line).
STAGES = [s.value for s in Stage]
PUBLIC_STAGES = STAGES[1:]


class Call(models.Model):
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.PROBLEM)
    owner = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("ordering unit"))
    title = models.CharField(_("title"), max_length=300)
    field = models.CharField(_("field"), max_length=16, choices=Field.choices, default=Field.OTHER)
    need = models.TextField(_("the need"))
    expected_results = models.TextField(_("expected results"), blank=True)
    success_measures = models.TextField(_("measures of success"), blank=True)
    budget = models.DecimalField(_("budget envelope (VND)"), max_digits=18, decimal_places=0, null=True, blank=True)
    eligibility = models.TextField(_("eligibility"), blank=True)
    rules = models.TextField(_("rules of the call"), blank=True)
    opens_on = models.DateField(_("call opens"), null=True, blank=True)
    closes_on = models.DateField(_("call closes"), null=True, blank=True)
    evaluation_by = models.DateField(_("evaluation by"), null=True, blank=True)
    blind = models.BooleanField(_("blind evaluation (proposer hidden from evaluators)"), default=False)
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices, default=Stage.DRAFT)
    minutes = models.TextField(_("minutes of the consensus meeting"), blank=True)
    decision_reasons = models.TextField(_("reasons of the selection"), blank=True)
    decided_on = models.DateField(null=True, blank=True)
    contracted_on = models.DateField(null=True, blank=True)
    acceptance_on = models.DateField(null=True, blank=True)
    acceptance_note = models.TextField(_("acceptance (nghiệm thu)"), blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_on = models.DateField()
    synthetic = models.BooleanField(default=False, help_text="synthetic demo data, labelled wherever shown")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_on", "-id"]
        indexes = [models.Index(fields=["stage"]), models.Index(fields=["kind", "stage"])]

    def __str__(self) -> str:
        return self.title[:120]

    @property
    def is_public(self) -> bool:
        return self.stage != Stage.DRAFT

    def reached(self, stage: str) -> bool:
        """At ``stage`` or past it (failed counts as past the acceptance only)."""
        if self.stage == Stage.FAILED:
            return STAGES.index(stage) <= STAGES.index(Stage.CONTRACTED) or stage == Stage.FAILED
        if stage == Stage.FAILED:
            return False
        return STAGES.index(self.stage) >= STAGES.index(stage)


class Criterion(models.Model):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("criterion"), max_length=200)
    weight = models.PositiveSmallIntegerField(_("weight (%)"))
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]


class Milestone(models.Model):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("milestone"), max_length=300)
    due_on = models.DateField(_("due"))
    task = models.ForeignKey("plans.Task", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("task"))
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]


class Adoption(models.Model):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="adoptions")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("adopting unit"))
    since = models.DateField(_("in use since"))
    result = models.TextField(_("result"), blank=True)

    class Meta:
        ordering = ["since", "id"]
        constraints = [models.UniqueConstraint(fields=["call", "unit"], name="adoption_once_per_unit")]


class ProposerKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise")
    STARTUP = "startup", _("Start-up")
    INSTITUTE = "institute", _("Research institute")
    UNIVERSITY = "university", _("University")
    CITIZEN = "citizen", _("Citizen (individual)")


class Proposer(models.Model):
    """The profile of an account from outside government. ``name`` is the organisation's (or, for a citizen, the
    person's, never shown publicly); ``tax_code`` is the organisation's tax or registration code."""

    user = models.OneToOneField(USER, on_delete=models.PROTECT, related_name="proposer")
    kind = models.CharField(_("kind of proposer"), max_length=10, choices=ProposerKind.choices)
    name = models.CharField(_("organisation name"), max_length=300)
    tax_code = models.CharField(_("tax or registration code"), max_length=14, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tax_code"], condition=~models.Q(tax_code=""), name="proposer_tax_code_unique")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_organisation(self) -> bool:
        return self.kind != ProposerKind.CITIZEN


class ProposalStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    SELECTED = "selected", _("Selected")
    NOT_SELECTED = "not_selected", _("Not selected")


class Proposal(models.Model):
    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="proposals")
    proposer = models.ForeignKey(Proposer, on_delete=models.PROTECT, related_name="proposals")
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=500)
    description = models.TextField(_("full description"))
    team = models.TextField(_("team"), blank=True)
    budget = models.DecimalField(_("budget (VND)"), max_digits=18, decimal_places=0, null=True, blank=True)
    timeline = models.TextField(_("timeline"), blank=True)
    rules_accepted = models.BooleanField(_("I accept the rules of the call"), default=False)
    status = models.CharField(_("status"), max_length=12, choices=ProposalStatus.choices, default=ProposalStatus.SUBMITTED)
    submitted_on = models.DateField()
    answer = models.TextField(_("answer to the proposer"), blank=True)
    amount_decided = models.DecimalField(_("amount decided (VND)"), max_digits=18, decimal_places=0, null=True, blank=True)
    amount_contracted = models.DecimalField(_("amount contracted (VND)"), max_digits=18, decimal_places=0, null=True, blank=True)
    amount_disbursed = models.DecimalField(_("amount disbursed (VND)"), max_digits=18, decimal_places=0, null=True, blank=True)
    result = models.TextField(_("result"), blank=True)
    synthetic = models.BooleanField(default=False)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["submitted_on", "id"]
        constraints = [models.UniqueConstraint(fields=["call", "proposer"], condition=~models.Q(status="withdrawn"),
                                               name="proposal_one_per_proposer")]

    def __str__(self) -> str:
        return self.title


class ProposalFile(models.Model):
    """An attachment, checked and stored like evidence (``dieuhanh/evidence.py``)."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="files")
    filename = models.CharField(max_length=255)
    kind = models.CharField(max_length=8)
    content_type = models.CharField(max_length=120)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)


class CouncilMember(models.Model):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="council")
    user = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["call", "user"], name="council_member_once")]


class Evaluation(models.Model):
    """One member's word on one proposal: a declared conflict (then no scores), or the scores per criterion
    (``{criterion id: 0–10}``) and the weighted score they give."""

    member = models.ForeignKey(CouncilMember, on_delete=models.CASCADE, related_name="evaluations")
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="evaluations")
    conflict = models.BooleanField(default=False)
    conflict_note = models.TextField(blank=True)
    scores = models.JSONField(default=dict)
    weighted = models.DecimalField(max_digits=6, decimal_places=2, null=True)
    comment = models.TextField(_("comment"), blank=True)
    submitted_on = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member", "proposal"], name="evaluation_once")]
