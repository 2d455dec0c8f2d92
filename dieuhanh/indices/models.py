"""Composite indices (issue 6): frameworks, their data sets, methodologies and runs, held in the database.

The computation lives in ``dieuhanh/core/coin/`` (no Django); this app stores what it needs and what it returns:

- ``Framework`` + ``Element``: the tree in COINr's iMeta terms (level, iCode, parent, weight, direction,
  denominator, target, type). Imported and exported as iMeta; a new import of the same code replaces the tree.
- ``Dataset`` + ``DatasetUnit`` + ``DataPoint``: unit × column values per year (COINr iData; indicators and
  denominators are both data points), each unit linked to a platform ``Unit`` when its uCode is a unit code.
- ``Methodology``: the pipeline (steps and options, the YAML/JSON of ``coin.load_pipeline``), versioned: saving
  a methodology with a known code adds a version, so two variants or two versions can be compared.
- ``Run`` + ``Score`` + ``RankInterval``: one execution (who, when, status, the log and the treatment report) and
  its results per unit and element; an uncertainty run keeps each unit's nominal/median rank and 5–95 % interval.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

USER = settings.AUTH_USER_MODEL


class ElementKind(models.TextChoices):
    INDICATOR = "Indicator", _("Indicator")
    AGGREGATE = "Aggregate", _("Aggregate")
    DENOMINATOR = "Denominator", _("Denominator")
    GROUP = "Group", _("Grouping")


class Provenance(models.TextChoices):
    SOURCE = "source", _("From the official source")
    PLACEHOLDER = "placeholder", _("Placeholder for officials to fill")
    PLATFORM = "platform", _("Fed from the platform's own data")
    IMPORTED = "imported", _("Imported")


class Framework(models.Model):
    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=300)
    owner = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("owner unit"))
    description = models.TextField(_("description"), blank=True)
    source = models.TextField(_("source"), blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    # A worked example brought for learning the method (COINr's ASEM), not one of the city's indices: listed last.
    example = models.BooleanField(_("example"), default=False)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Element(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="elements")
    position = models.PositiveIntegerField()  # the iMeta row order
    code = models.CharField(max_length=60)
    name = models.CharField(max_length=300)
    level = models.PositiveSmallIntegerField(null=True, blank=True)  # none for groups and denominators
    parent = models.CharField(max_length=60, blank=True)
    kind = models.CharField(max_length=12, choices=ElementKind.choices)
    weight = models.FloatField(null=True, blank=True)
    direction = models.SmallIntegerField(null=True, blank=True)
    measure = models.CharField(max_length=120, blank=True)  # COINr "Unit"
    target = models.FloatField(null=True, blank=True)
    denominator = models.CharField(max_length=60, blank=True)
    provenance = models.CharField(max_length=12, choices=Provenance.choices, default=Provenance.IMPORTED)

    class Meta:
        ordering = ["framework", "position"]
        constraints = [models.UniqueConstraint(fields=["framework", "code"], name="index_element_unique")]


class Dataset(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="datasets")
    code = models.CharField(max_length=60)
    name = models.CharField(max_length=300)
    source = models.TextField(blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)
    # Provenance: the label of the synthetic (made-up) data the set holds or is computed from, empty for real data.
    # Every page and export built on it says so.
    synthetic = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["framework", "code"]
        constraints = [models.UniqueConstraint(fields=["framework", "code"], name="index_dataset_unique")]

    def __str__(self) -> str:
        return self.name


class DatasetUnit(models.Model):
    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="units")
    ucode = models.CharField(max_length=60)
    name = models.CharField(max_length=300)
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    groups = models.JSONField(default=dict)  # {"EurAsia_group": "Europe"}

    class Meta:
        ordering = ["dataset", "ucode"]
        constraints = [models.UniqueConstraint(fields=["dataset", "ucode"], name="index_dataset_unit_unique")]


class DataPoint(models.Model):
    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="points")
    ucode = models.CharField(max_length=60)
    year = models.SmallIntegerField()
    code = models.CharField(max_length=60)  # an indicator or denominator iCode
    value = models.FloatField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["dataset", "ucode", "year", "code"], name="index_point_unique")]
        indexes = [models.Index(fields=["dataset", "year"])]


class Methodology(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="methodologies")
    code = models.CharField(max_length=60)
    version = models.PositiveIntegerField(default=1)
    name = models.CharField(max_length=300)
    steps = models.JSONField()  # {"steps": [{"step": "denominate"}, …]} as coin.load_pipeline reads it
    uncertainty = models.JSONField(default=dict, blank=True)  # options of coin.cli_uncertainty / analysis
    note = models.TextField(blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["framework", "code", "-version"]
        constraints = [models.UniqueConstraint(fields=["framework", "code", "version"], name="index_methodology_unique")]

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"


class RunKind(models.TextChoices):
    PIPELINE = "pipeline", _("Index computation")
    UNCERTAINTY = "uncertainty", _("Uncertainty analysis")


class RunStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class Run(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="runs")
    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="runs")
    methodology = models.ForeignKey(Methodology, on_delete=models.PROTECT, related_name="runs")
    year = models.SmallIntegerField()
    kind = models.CharField(max_length=12, choices=RunKind.choices, default=RunKind.PIPELINE)
    status = models.CharField(max_length=8, choices=RunStatus.choices, default=RunStatus.RUNNING)
    started_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    started_by_label = models.CharField(max_length=150)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    seconds = models.FloatField(null=True, blank=True)
    log = models.JSONField(default=list)
    treatment = models.JSONField(default=list)  # one dict per indicator, as coin's treatment report
    excluded_units = models.JSONField(default=list)
    error = models.TextField(blank=True)
    options = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]


class Score(models.Model):
    """One unit's value of one element in a run: aggregates (level ≥ 2) as aggregated, indicators as normalised."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="scores")
    ucode = models.CharField(max_length=60)
    code = models.CharField(max_length=60)
    value = models.FloatField(null=True, blank=True)
    rank = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "ucode", "code"], name="index_score_unique")]
        indexes = [models.Index(fields=["run", "code"])]


class RankInterval(models.Model):
    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="intervals")
    ucode = models.CharField(max_length=60)
    nominal = models.FloatField(null=True)
    median = models.FloatField(null=True)
    low = models.FloatField(null=True)  # 5th percentile of the rank
    high = models.FloatField(null=True)  # 95th percentile of the rank

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "ucode"], name="index_interval_unique")]
