"""Safety evaluations: results per AI model as publications report them, and the
Preparedness Framework's determinations. The tables keep the names they had in catalog."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse

from catalog.models import AIModel, Committee, Publication, Topic


def value_text(value):
    """A decimal as people write it: 0.99 rather than 0.9900, 10 rather than 1E+1."""
    return format(value.normalize(), "f")


def decimals_needed(value) -> int:
    """The digits after the point that a value needs: 2 for 0.99, 3 for 0.995, 0 for 1."""
    return max(0, -Decimal(value).normalize().as_tuple().exponent)


# The most digits after the point a metric shows; values have at most four.
MAX_DECIMALS = 4


class SourcedQuerySet(models.QuerySet):
    def live(self):
        """What a visitor may see: stated in a live publication, about a live AI model."""
        return self.filter(
            Exists(Publication.objects.live().filter(pk=OuterRef("source"))),
            Exists(AIModel.objects.live().filter(pk=OuterRef("ai_model"))),
        )


# Evaluations in the order the index lists them; a table of results then orders by metric,
# model and sub-category.
EVALUATION_ORDER = ["category__position", "category__name", "position", "name"]
RESULT_TABLE_ORDER = [
    *(f"evaluation__{name}" for name in EVALUATION_ORDER),
    "metric__position",
    "metric__name",
    "ai_model__name",
    "subcategory",
]
# Long texts no table of results or determinations shows.
UNSHOWN = ["ai_model__summary", "source__summary", "source__body", "source__body_html"]


class ResultQuerySet(SourcedQuerySet):
    def as_table(self):
        """With everything a table of results shows, in one query, in the index's order."""
        return (
            self.select_related("evaluation__category", "metric", "ai_model", "source")
            .defer(*UNSHOWN)
            .order_by(*RESULT_TABLE_ORDER)
        )

    def evaluations(self):
        """The evaluations these results belong to, each once, in the index's order."""
        return Evaluation.objects.filter(
            Exists(self.order_by().filter(evaluation=OuterRef("pk")))
        ).order_by(*EVALUATION_ORDER)


class DeterminationQuerySet(SourcedQuerySet):
    def as_table(self):
        """With their levels, source and committee (named only while it is live), newest
        framework version first."""
        return (
            self.select_related(
                "category__version",
                "level",
                "pre_mitigation_level",
                "ai_model",
                "source",
                "committee",
            )
            .defer(*UNSHOWN)
            .annotate(
                committee_is_live=Exists(Committee.objects.live().filter(pk=OuterRef("committee")))
            )
            .order_by("-category__version__released_on", "category__position", "ai_model__name")
        )


class EvaluationQuerySet(models.QuerySet):
    def with_live_results(self):
        """Each evaluation with its category, its number of live results and the newest date
        measured among them: what a topic's page lists. Results stated only in drafts, or about
        unpublished models, count for nothing."""
        live = Result.objects.live().filter(evaluation=OuterRef("pk")).order_by()
        return (
            self.select_related("category")
            .annotate(
                live_result_count=Coalesce(
                    Subquery(live.values("evaluation").annotate(n=Count("pk")).values("n")), 0
                ),
                latest_result_on=Subquery(live.order_by("-measured_on").values("measured_on")[:1]),
            )
            .order_by(*EVALUATION_ORDER)
        )


class EvaluationCategory(models.Model):
    """A family of evaluations: disallowed content, jailbreaks, hallucinations, ..."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True, help_text="What this kind of evaluation checks.")
    position = models.PositiveSmallIntegerField(
        default=0, help_text="Categories are listed in increasing order of this number."
    )

    class Meta:
        db_table = "catalog_evaluationcategory"
        verbose_name = "evaluation category"
        verbose_name_plural = "evaluation categories"
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return f"{reverse('evaluations:evaluation_list')}#category-{self.slug}"


# Addresses under /evaluations/ that are not evaluations.
RESERVED_EVALUATION_SLUGS = ["compare"]


class Evaluation(models.Model):
    category = models.ForeignKey(
        EvaluationCategory, on_delete=models.PROTECT, related_name="evaluations"
    )
    name = models.CharField(max_length=150, unique=True, help_text="E.g. “StrongReject”.")
    slug = models.SlugField(max_length=150, unique=True)
    description = models.TextField(
        blank=True, help_text="What the evaluation measures, in a sentence or two."
    )
    position = models.PositiveSmallIntegerField(default=0, help_text="Order within the category.")
    # Defined here, not on Topic, as catalog knows nothing of evaluations: a topic's page asks
    # for `topic.evaluations` and shows them through an evaluations template.
    topics = models.ManyToManyField(
        Topic,
        blank=True,
        related_name="evaluations",
        help_text="The topics this evaluation informs; it is listed on their pages.",
    )

    objects = EvaluationQuerySet.as_manager()

    class Meta:
        db_table = "catalog_evaluation"
        ordering = ["category__position", "position", "name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(slug__in=RESERVED_EVALUATION_SLUGS),
                name="evaluation_slug_not_reserved",
                violation_error_message="Another page has that address; choose another slug.",
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("evaluations:evaluation_detail", args=[self.slug])


class Direction(models.TextChoices):
    HIGHER = "higher", "Higher is better"
    LOWER = "lower", "Lower is better"


class Metric(models.Model):
    """What an evaluation reports, e.g. not_unsafe or hallucination_rate, with its range."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="metrics")
    name = models.CharField(
        max_length=100,
        help_text="As the cards write it, e.g. “not_unsafe”. CSV files name the metric this way.",
    )
    label = models.CharField(
        max_length=100,
        blank=True,
        help_text="The name in words for visitors, e.g. “Not unsafe”; empty: made from the name.",
    )
    description = models.CharField(max_length=300, blank=True)
    decimals = models.PositiveSmallIntegerField(
        "digits after the point",
        default=2,
        help_text=(
            "Every value of the metric shows this many, so that 0.9 and 0.82 read as 0.90 and "
            "0.82. Saving a value that needs more raises it."
        ),
    )
    unit = models.CharField(
        max_length=50, blank=True, help_text="E.g. “share of prompts” or “score”."
    )
    minimum = models.DecimalField(max_digits=10, decimal_places=4, default=0)
    maximum = models.DecimalField(
        max_digits=10,
        decimal_places=4,
        default=1,
        help_text="Results outside the range are refused.",
    )
    direction = models.CharField(max_length=8, choices=Direction.choices, default=Direction.HIGHER)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        db_table = "catalog_metric"
        ordering = ["evaluation_id", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "name"], name="metric_name_unique"),
            models.CheckConstraint(
                condition=Q(minimum__lt=F("maximum")),
                name="metric_range_ordered",
                violation_error_message="The minimum must be below the maximum.",
            ),
            models.CheckConstraint(
                condition=Q(direction__in=Direction.values), name="metric_direction_valid"
            ),
        ]

    def __str__(self):
        return f"{self.evaluation}: {self.name}"

    @property
    def title(self):
        """The name in words: the label, or “Hallucination rate” for hallucination_rate."""
        if self.label:
            return self.label
        words = self.name.replace("_", " ").strip()
        return words[:1].upper() + words[1:]

    def value_text(self, value) -> str:
        """A value with the metric's digits after the point (more only if it needs them)."""
        decimals = min(max(self.decimals, decimals_needed(value)), MAX_DECIMALS)
        return f"{Decimal(value):.{decimals}f}"

    @property
    def range_text(self):
        return f"{value_text(self.minimum)}–{value_text(self.maximum)}"

    @property
    def higher_is_better(self):
        return self.direction == Direction.HIGHER


class Result(models.Model):
    """One value of a metric for an AI model, as a publication reports it."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="results")
    metric = models.ForeignKey(
        Metric,
        on_delete=models.CASCADE,
        related_name="results",
        help_text="One of the evaluation's metrics.",
    )
    # A model's published results are not deleted with it: the model is kept until they go.
    ai_model = models.ForeignKey(
        AIModel, on_delete=models.PROTECT, related_name="results", verbose_name="AI model"
    )
    subcategory = models.CharField(
        "sub-category",
        max_length=100,
        blank=True,
        help_text="Optional, e.g. “hate” or “self-harm”; leave empty for the overall value.",
    )
    value = models.DecimalField(max_digits=10, decimal_places=4)
    measured_on = models.DateField("date measured")
    source = models.ForeignKey(
        Publication,
        on_delete=models.PROTECT,
        related_name="results",
        verbose_name="source publication",
        help_text="Where the value is published. Visitors see it only while that is live.",
    )
    source_table = models.CharField(
        "where in the source",
        max_length=300,
        blank=True,
        help_text="The table or section of the source that gives the value, e.g. “Table 3”.",
    )
    source_url = models.URLField(
        "source document address",
        max_length=500,
        blank=True,
        help_text="The document the value was read from, when it is not the publication's link.",
    )
    note = models.CharField(max_length=300, blank=True)

    objects = ResultQuerySet.as_manager()

    class Meta:
        db_table = "catalog_result"
        ordering = ["evaluation_id", "metric_id", "ai_model_id", "subcategory"]
        constraints = [
            models.UniqueConstraint(
                fields=["metric", "ai_model", "subcategory"],
                name="result_unique",
                violation_error_message=(
                    "This model already has a value for this metric and sub-category."
                ),
            )
        ]

    def __str__(self):
        subcategory = f" ({self.subcategory})" if self.subcategory else ""
        return f"{self.ai_model} on {self.metric}{subcategory}: {self.value_text}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        metric_decimals_widen([self])

    @property
    def value_text(self):
        """The value with its metric's digits after the point, as every page shows it."""
        return self.metric.value_text(self.value)

    def clean(self):
        if not (self.metric_id and self.evaluation_id):
            return
        metric = self.metric
        if metric.evaluation_id != self.evaluation_id:
            raise ValidationError(
                {"metric": f"“{metric.name}” is not a metric of this evaluation."}
            )
        if self.value is not None and not metric.minimum <= self.value <= metric.maximum:
            raise ValidationError(
                {
                    "value": f"{value_text(self.value)} is outside {metric.name}’s range, "
                    f"{metric.range_text}."
                }
            )


def metric_decimals_widen(results) -> None:
    """Raise each metric's digits after the point to what its new values need, so that no
    page rounds a published value."""
    needed = {}
    for result in results:
        digits = min(decimals_needed(result.value), MAX_DECIMALS)
        needed[result.metric_id] = max(needed.get(result.metric_id, 0), digits)
    for metric_id, digits in needed.items():
        Metric.objects.filter(pk=metric_id, decimals__lt=digits).update(decimals=digits)


class FrameworkVersion(models.Model):
    """A version of the Preparedness Framework, with its own categories and levels."""

    name = models.CharField(max_length=100, unique=True, help_text="E.g. “Version 2”.")
    slug = models.SlugField(max_length=50, unique=True)
    released_on = models.DateField(help_text="When this version took effect.")
    publication = models.ForeignKey(
        Publication,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The framework document, if it is on the site.",
    )
    summary = models.TextField(blank=True)
    scores_mitigation = models.BooleanField(
        "scores before and after mitigation",
        default=False,
        help_text="Version 1 scored each category before and after mitigation.",
    )

    class Meta:
        db_table = "catalog_frameworkversion"
        verbose_name = "Preparedness Framework version"
        ordering = ["-released_on"]

    def __str__(self):
        return f"Preparedness Framework, {self.name}"

    def get_absolute_url(self):
        return f"{reverse('evaluations:evaluation_list')}#preparedness-{self.slug}"


class RiskKind(models.TextChoices):
    TRACKED = "tracked", "Tracked"
    RESEARCH = "research", "Research"


class RiskCategory(models.Model):
    version = models.ForeignKey(
        FrameworkVersion, on_delete=models.CASCADE, related_name="categories"
    )
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100)
    kind = models.CharField(
        max_length=8,
        choices=RiskKind.choices,
        default=RiskKind.TRACKED,
        help_text="Tracked categories get determinations; research categories are watched.",
    )
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        db_table = "catalog_riskcategory"
        verbose_name = "risk category"
        verbose_name_plural = "risk categories"
        ordering = ["version_id", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["version", "slug"], name="riskcategory_slug_unique"),
            models.CheckConstraint(
                condition=Q(kind__in=RiskKind.values), name="riskcategory_kind_valid"
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.version.name})"


class ThresholdLevel(models.Model):
    """A level a determination can name: below High, High, Critical; or Low to Critical in v1."""

    version = models.ForeignKey(FrameworkVersion, on_delete=models.CASCADE, related_name="levels")
    name = models.CharField(max_length=50)
    slug = models.SlugField(max_length=50)
    rank = models.PositiveSmallIntegerField(help_text="0 for the lowest level, then 1, 2, ...")
    description = models.TextField(blank=True, help_text="What reaching this level means.")

    class Meta:
        db_table = "catalog_thresholdlevel"
        verbose_name = "threshold level"
        ordering = ["version_id", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["version", "slug"], name="thresholdlevel_slug_unique"),
            models.UniqueConstraint(fields=["version", "rank"], name="thresholdlevel_rank_unique"),
        ]

    def __str__(self):
        return f"{self.name} ({self.version.name})"

    @property
    def severity(self):
        """How serious the level is, for its badge's colour: low, medium, high or critical."""
        if self.slug in SEVERITIES:
            return SEVERITIES[self.slug]
        return "critical" if "critical" in self.slug else "medium"


# The badge colour of each level the framework versions name; the word is always shown too.
SEVERITIES = {
    "below-high": "low",
    "low": "low",
    "medium": "medium",
    "high": "high",
    "critical": "critical",
}


class Determination(models.Model):
    """The level a model reached in a risk category, as its card states it."""

    # As results: a deleted model must not take its published determinations along.
    ai_model = models.ForeignKey(
        AIModel, on_delete=models.PROTECT, related_name="determinations", verbose_name="AI model"
    )
    category = models.ForeignKey(
        RiskCategory, on_delete=models.PROTECT, related_name="determinations"
    )
    level = models.ForeignKey(
        ThresholdLevel,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The level the card states; on a v1 scorecard, the level after mitigation.",
    )
    pre_mitigation_level = models.ForeignKey(
        ThresholdLevel,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Version 1 scorecards only: the level before mitigation, if the card gives it.",
    )
    source = models.ForeignKey(
        Publication,
        on_delete=models.PROTECT,
        related_name="determinations",
        verbose_name="source card",
        help_text="The card that states it. Visitors see it only while that is live.",
    )
    committee = models.ForeignKey(
        Committee,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="determinations",
        verbose_name="determined by",
        help_text="The committee that made the determination, where the card says.",
    )
    note = models.CharField(max_length=300, blank=True, help_text="E.g. “as a precaution”.")

    objects = DeterminationQuerySet.as_manager()

    class Meta:
        db_table = "catalog_determination"
        ordering = ["category__version", "category__position", "ai_model__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["ai_model", "category"],
                name="determination_unique",
                violation_error_message="This model already has a determination in this category.",
            ),
        ]

    def __str__(self):
        return f"{self.ai_model}, {self.category}: {self.level.name}"

    def clean(self):
        if not (self.category_id and self.level_id):
            return
        version = self.category.version
        if self.level.version_id != version.pk:
            raise ValidationError({"level": f"Choose a level of {version}."})
        if self.pre_mitigation_level_id:
            if not version.scores_mitigation:
                raise ValidationError(
                    {"pre_mitigation_level": f"{version} does not score before mitigation."}
                )
            if self.pre_mitigation_level.version_id != version.pk:
                raise ValidationError({"pre_mitigation_level": f"Choose a level of {version}."})
