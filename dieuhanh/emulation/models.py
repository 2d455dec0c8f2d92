"""Initiatives (sáng kiến), the emulation movement (thi đua) and awards (khen thưởng).

An **initiative** is applied for by its authors to a unit (Thông tư 18/2013/TT-BKHCN, Appendix I), entered in the
unit's intake register with a numbered receipt stating the day an answer is due (Art. 6), reviewed by the unit's
initiative council (members, opinions, minutes) and recognised — with its scope: unit, city, national — or refused
with reasons:

    received → under review (council named) → recognised (scope) | refused (reasons)

A **movement** (phong trào thi đua) is launched by a unit; units register for it with their commitments. An **award
round** (đợt xét khen thưởng) of a deciding level collects **proposals** (the form of award, the person or
collective, the achievements, the recognised initiatives they rest on, a dossier of files); its list is posted
publicly for comment for at least ``DIEUHANH_AWARD_CONSULTATION_WORKING_DAYS`` working days; then its council
decides each proposal; approved proposals are the **award register**; an award may be revoked with its reason:

    round: open → consultation (posted) → decided
    proposal: proposed → approved | rejected;  approved → revoked

Forms of award (``AwardForm``) are data (``data/award_forms.json``, loaded by migration 0002): who decides each and
the initiative scope it needs.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

USER = settings.AUTH_USER_MODEL


class Scope(models.TextChoices):
    UNIT = "unit", _("Unit level (cơ sở)")
    CITY = "city", _("City / province")
    NATIONAL = "national", _("National")


SCOPE_RANK = {Scope.UNIT: 1, Scope.CITY: 2, Scope.NATIONAL: 3}


class Field(models.TextChoices):
    TECHNIQUE = "technique", _("Technique")
    MANAGEMENT = "management", _("Management")
    OPERATIONS = "operations", _("Operations (tác nghiệp)")
    TECHNICAL_PROGRESS = "technical_progress", _("Application of technical progress")
    DIGITAL = "digital", _("Digital transformation")
    PUBLIC_SERVICE = "public_service", _("Administrative procedures, public services")


class InitiativeStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    UNDER_REVIEW = "under_review", _("Under review by the council")
    RECOGNISED = "recognised", _("Recognised")
    REFUSED = "refused", _("Refused")


class ReviewRule(models.Model):
    """A unit's own review period (calendar days from receipt to the answer due); units without one use the nearest
    unit above with one, else ``DIEUHANH_INITIATIVE_REVIEW_DAYS``."""

    unit = models.OneToOneField("units.Unit", on_delete=models.PROTECT, related_name="+")
    review_days = models.PositiveSmallIntegerField(_("review period (days)"))
    version = models.PositiveIntegerField(default=1)


class Initiative(models.Model):
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("addressed to (unit)"))
    receipt_year = models.PositiveSmallIntegerField()
    receipt_no = models.PositiveIntegerField(_("receipt number"))
    received_on = models.DateField(_("received on"))
    answer_due = models.DateField(_("answer due by"))
    title = models.CharField(_("name of the initiative"), max_length=300)
    investor = models.CharField(_("investor in creating it"), max_length=300, blank=True)
    field = models.CharField(_("field"), max_length=20, choices=Field.choices)
    first_applied_on = models.DateField(_("first applied on"), null=True, blank=True)
    substance = models.TextField(_("substance of the initiative"))
    confidential = models.TextField(_("confidential information"), blank=True)
    conditions = models.TextField(_("conditions needed to apply it"), blank=True)
    benefit_author = models.TextField(_("benefit as judged by the authors"))
    benefit_users = models.TextField(_("benefit as judged by the first users"), blank=True)
    status = models.CharField(_("status"), max_length=14, choices=InitiativeStatus.choices, default=InitiativeStatus.RECEIVED)
    council = models.TextField(_("initiative council (one member a line)"), blank=True)
    council_named_on = models.DateField(null=True, blank=True)
    minutes = models.TextField(_("council minutes"), blank=True)
    scope = models.CharField(_("scope of recognition"), max_length=10, choices=Scope.choices, blank=True)
    decided_by_unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    decision_no = models.CharField(_("decision number"), max_length=60, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    reasons = models.TextField(_("reasons for refusal"), blank=True)
    applied_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    synthetic = models.BooleanField(default=False, help_text="synthetic demo data, labelled wherever shown")
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "receipt_year", "receipt_no"], name="initiative_receipt_unique"),
            models.CheckConstraint(condition=~models.Q(status="recognised") | ~models.Q(scope=""), name="initiative_recognised_has_scope"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def receipt(self) -> str:
        return f"{self.receipt_no:03d}/{self.receipt_year}/SK"


class Author(models.Model):
    """A row of the authors table: no., name, date of birth, workplace, title, qualification, share (%)."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="authors")
    position = models.PositiveSmallIntegerField()
    name = models.CharField(_("full name"), max_length=150)
    born_on = models.DateField(_("date of birth"), null=True, blank=True)
    workplace = models.CharField(_("workplace"), max_length=200, blank=True)
    job_title = models.CharField(_("title"), max_length=120, blank=True)
    qualification = models.CharField(_("qualification"), max_length=120, blank=True)
    share = models.DecimalField(_("share of contribution (%)"), max_digits=5, decimal_places=2)

    class Meta:
        ordering = ["position"]


class Vote(models.TextChoices):
    FOR = "for", _("For recognition")
    AGAINST = "against", _("Against recognition")
    ABSTAIN = "abstain", _("Abstains")


class Opinion(models.Model):
    """A council member's opinion on an initiative."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="opinions")
    member = models.CharField(_("council member"), max_length=150)
    vote = models.CharField(_("vote"), max_length=8, choices=Vote.choices)
    text = models.TextField(_("opinion"), blank=True)
    given_on = models.DateField()

    class Meta:
        ordering = ["given_on", "id"]


class Nominee(models.TextChoices):
    PERSON = "person", _("A person")
    COLLECTIVE = "collective", _("A collective")


class AwardForm(models.Model):
    """A form of award (data): who it is for, who decides it, and the scope of initiative it needs (blank: none)."""

    code = models.CharField(max_length=40, unique=True)
    name_vi = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200)
    nominee = models.CharField(max_length=10, help_text="person, collective or both")
    decided_by = models.CharField(max_length=200)
    level = models.CharField(max_length=10, choices=Scope.choices, help_text="the level whose council decides it")
    needed_scope = models.CharField(max_length=10, choices=Scope.choices, blank=True)
    confirmed = models.BooleanField(default=False, help_text="whether the rule was confirmed from a source")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.name_vi

    def name(self, language: str) -> str:
        return self.name_vi if language.startswith("vi") else self.name_en


class Movement(models.Model):
    code = models.CharField(max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=300)
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("launched by"))
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    description = models.TextField(_("description"), blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    synthetic = models.BooleanField(default=False)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-starts_on", "code"]

    def __str__(self) -> str:
        return self.title


class Registration(models.Model):
    movement = models.ForeignKey(Movement, on_delete=models.PROTECT, related_name="registrations")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    commitments = models.TextField(_("commitments"))
    registered_on = models.DateField()
    registered_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    synthetic = models.BooleanField(default=False)

    class Meta:
        ordering = ["-registered_on", "id"]
        constraints = [models.UniqueConstraint(fields=["movement", "unit"], name="registration_once_per_unit")]


class RoundStatus(models.TextChoices):
    OPEN = "open", _("Collecting proposals")
    CONSULTATION = "consultation", _("Posted for public comment")
    DECIDED = "decided", _("Decided by the council")


class AwardRound(models.Model):
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("deciding level"))
    title = models.CharField(_("title"), max_length=300)
    year = models.PositiveSmallIntegerField(_("year"))
    movement = models.ForeignKey(Movement, on_delete=models.PROTECT, null=True, blank=True, related_name="rounds")
    status = models.CharField(_("status"), max_length=12, choices=RoundStatus.choices, default=RoundStatus.OPEN)
    posted_on = models.DateField(_("posted on"), null=True, blank=True)
    consultation_ends_on = models.DateField(_("public comment until"), null=True, blank=True)
    council_on = models.DateField(_("council met on"), null=True, blank=True)
    decision_no = models.CharField(_("decision number"), max_length=60, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    minutes = models.TextField(_("council minutes"), blank=True)
    consultation = models.JSONField(default=list, blank=True, help_text="the public comments as the council's minutes took them")
    synthetic = models.BooleanField(default=False)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "-id"]

    def __str__(self) -> str:
        return self.title


class ProposalStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    APPROVED = "approved", _("Awarded")
    REJECTED = "rejected", _("Not approved")
    REVOKED = "revoked", _("Revoked")


class Proposal(models.Model):
    round = models.ForeignKey(AwardRound, on_delete=models.PROTECT, related_name="proposals")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("proposing unit"))
    form = models.ForeignKey(AwardForm, on_delete=models.PROTECT, related_name="+", verbose_name=_("form of award"))
    nominee_kind = models.CharField(_("proposed for"), max_length=10, choices=Nominee.choices)
    nominee_name = models.CharField(_("name of the person or collective"), max_length=200)
    nominee_born_on = models.DateField(_("date of birth"), null=True, blank=True)
    nominee_position = models.CharField(_("position"), max_length=200, blank=True)
    nominee_key = models.CharField(max_length=300, editable=False, help_text="kind, folded name and unit (core/emulation/rules.py: nominee_key)")
    period = models.PositiveSmallIntegerField(_("year of the achievements"))
    achievements = models.TextField(_("achievements"))
    summary = models.CharField(_("summary of achievements (posted publicly)"), max_length=500)
    initiatives = models.ManyToManyField(Initiative, blank=True, related_name="proposals")
    status = models.CharField(_("status"), max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.PROPOSED)
    reasons = models.TextField(_("reasons"), blank=True)
    proposed_on = models.DateField()
    proposed_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    revoked_on = models.DateField(null=True, blank=True)
    revoke_reason = models.TextField(_("reason for revocation"), blank=True)
    synthetic = models.BooleanField(default=False)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["form", "nominee_key", "period"])]

    def __str__(self) -> str:
        return self.nominee_name


class ProposalFile(models.Model):
    """A file of a proposal's dossier, checked and stored as evidence is (``dieuhanh/evidence.py``)."""

    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="files")
    filename = models.CharField(max_length=255)
    kind = models.CharField(max_length=10)
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    added_on = models.DateField()

    class Meta:
        ordering = ["id"]


class Comment(models.Model):
    """A public comment on a posted round (or one proposal of it). Moderation hides it with a reason, never deletes."""

    round = models.ForeignKey(AwardRound, on_delete=models.PROTECT, related_name="comments")
    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, null=True, blank=True, related_name="comments")
    name = models.CharField(_("your name (optional)"), max_length=100, blank=True)
    body = models.TextField(_("comment"), max_length=2000)
    posted_at = models.DateTimeField()
    hidden = models.BooleanField(default=False)
    hidden_reason = models.CharField(_("reason for hiding"), max_length=300, blank=True)
    hidden_on = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["posted_at", "id"]
