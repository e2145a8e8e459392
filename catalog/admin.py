"""The editors' side of the hub: every model in the Django admin, with lists that stay fast at
100,000 publications (one COUNT per page, no query per row, no DISTINCT over the whole table)."""

import io

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import BooleanField, ExpressionWrapper, Prefetch, Q
from django.shortcuts import redirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.text import smart_split, unescape_string_literal

from catalog.models import (
    AIModel,
    AIModelAlias,
    Committee,
    Conversation,
    Determination,
    Evaluation,
    EvaluationCategory,
    FrameworkVersion,
    HubFeature,
    HubPage,
    Kind,
    Membership,
    Metric,
    ModelLineage,
    Person,
    Practice,
    Publication,
    Result,
    RiskCategory,
    Stage,
    ThresholdLevel,
    Topic,
)
from catalog.tables import (
    DETERMINATION_COLUMNS,
    REQUIRED_COLUMNS,
    RESULT_COLUMNS,
    ResultImportError,
    determination_rows,
    object_rows,
    result_rows,
    results_import,
    table_response,
)
from editorial.admin import EditorialAdmin, StatusFilter, WorkflowMixin

PUBLISHING = ("Publishing", {"fields": ["status", "published_at"]})


def search_terms(search_term):
    """Split the search box the way the admin does: words, or "quoted phrases"."""
    for term in smart_split(search_term):
        if term.startswith(('"', "'")) and term[0] == term[-1]:
            term = unescape_string_literal(term)
        yield term


def contains_any(fields, term):
    return Q.create([(f"{field}__icontains", term) for field in fields], connector=Q.OR)


class CatalogAdmin(EditorialAdmin):
    """Defaults for every list: no second COUNT of the whole table, short pages; and history
    (every save a revision, with diffs, revert and recovery: editorial.admin)."""

    show_full_result_count = False
    list_per_page = 50
    # Deleting a topic or a model lists every link to it; show a sample, not thousands.
    delete_confirmation_max_display = 50


class PublishableAdmin(WorkflowMixin, CatalogAdmin):
    """A content type with a status: states, roles, bulk publishing, previews (editorial.admin)."""


class RelatedSlugFilter(admin.SimpleListFilter):
    """Filter by a many-to-many relation with a plain join.

    Each (publication, related) pair is unique, so the join adds no duplicates; the admin's
    own filter for a many-to-many field would add DISTINCT to the whole list anyway.
    """

    related_model = None
    lookup = None

    def lookups(self, request, model_admin):
        return self.related_model.objects.values_list("slug", "name")

    def queryset(self, request, queryset):
        if self.value() is not None:
            return queryset.filter(**{self.lookup: self.value()})
        return queryset


class AIModelFilter(RelatedSlugFilter):
    title = "AI model"
    parameter_name = "ai_model"
    related_model = AIModel
    lookup = "ai_models__slug"


class TopicFilter(RelatedSlugFilter):
    title = "topic"
    parameter_name = "topic"
    related_model = Topic
    lookup = "topics__slug"


class AddendumInline(admin.TabularInline):
    """A system card's addenda, to see and open from the card; they are edited on their own."""

    model = Publication
    fk_name = "parent"
    fields = ["title", "status", "published_at"]
    readonly_fields = fields
    verbose_name = "addendum"
    verbose_name_plural = "addenda"
    show_change_link = True
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Publication)
class PublicationAdmin(PublishableAdmin):
    list_display = [
        "title",
        "kind",
        "label",
        "status_badge",
        "published_at",
        "parent",
        "model_names",
    ]
    list_select_related = ["parent"]
    # Not by parent or AI models: that sorts the whole table through a join.
    sortable_by = ["title", "kind", "label", "status_badge", "published_at"]
    list_filter = [StatusFilter, "kind", "label", AIModelFilter, TopicFilter]
    # The ai_models__ fields are searched in a subquery: see get_search_results.
    search_fields = ["title", "summary", "slug", "ai_models__name", "ai_models__aliases__name"]
    search_help_text = "Title, summary, slug, or the name or alias of an AI model."
    date_hierarchy = "published_at"
    autocomplete_fields = ["parent", "ai_models", "topics", "practices"]
    prepopulated_fields = {"slug": ["title"]}
    save_on_top = True
    fieldsets = [
        (None, {"fields": ["title", "slug", "kind", "label", "parent"]}),
        PUBLISHING,
        ("Text", {"fields": ["summary", "body"]}),
        ("Image and files", {"fields": ["cover_image", "cover_alt", "external_url", "document"]}),
        ("Related", {"fields": ["ai_models", "topics", "practices"]}),
    ]
    inlines = [AddendumInline]
    markdown_fields = ["body"]

    def reversion_register(self, model, **options):
        # Addenda are edited on their own pages: reverting a card must not revert them.
        options["follow"] = [name for name in options.get("follow", ()) if name != "addenda"]
        super().reversion_register(model, **options)

    def get_inline_instances(self, request, obj=None):
        """Only a system card has addenda."""
        if obj is None or obj.kind != Kind.SYSTEM_CARD:
            return []
        return super().get_inline_instances(request, obj)

    def get_queryset(self, request):
        """The list's AI model names, in one query for the page rather than one per row."""
        return (
            super()
            .get_queryset(request)
            .prefetch_related(Prefetch("ai_models", queryset=AIModel.objects.only("name")))
        )

    @admin.display(description="AI models")
    def model_names(self, publication):
        return ", ".join(model.name for model in publication.ai_models.all())

    def get_search_results(self, request, queryset, search_term):
        """Every word must match a field or an AI model's name or alias.

        Models are matched in a subquery of the link table; a join would repeat a publication
        once per matching model and make Django add DISTINCT to the whole list and its COUNT.
        """
        own_fields = [field for field in self.search_fields if "__" not in field]
        model_fields = [
            field.removeprefix("ai_models__")
            for field in self.search_fields
            if field.startswith("ai_models__")
        ]
        links = Publication.ai_models.through.objects
        for term in search_terms(search_term):
            models = AIModel.objects.filter(contains_any(model_fields, term))
            about_models = links.filter(aimodel__in=models).values("publication_id")
            queryset = queryset.filter(contains_any(own_fields, term) | Q(pk__in=about_models))
        return queryset, False


class AliasInline(admin.TabularInline):
    model = AIModelAlias
    extra = 1


class LineageInline(admin.TabularInline):
    model = ModelLineage
    fk_name = "model"
    fields = ["relation", "source", "note"]
    autocomplete_fields = ["source"]
    extra = 1


@admin.register(AIModel)
class AIModelAdmin(PublishableAdmin):
    list_display = [
        "name",
        "family",
        "modality",
        "release_date",
        "status_badge",
        "published_at",
        "alias_names",
    ]
    list_select_related = ["family"]
    list_filter = [StatusFilter, "modality", "family"]
    search_fields = ["name", "slug", "aliases__name"]
    search_help_text = "Name, slug or alias."
    autocomplete_fields = ["family"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [AliasInline, LineageInline]
    fieldsets = [
        (None, {"fields": ["name", "slug", "family", "modality", "release_date"]}),
        PUBLISHING,
        ("Text", {"fields": ["summary"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("aliases")

    @admin.display(description="aliases")
    def alias_names(self, model):
        return ", ".join(alias.name for alias in model.aliases.all())


@admin.register(Topic)
class TopicAdmin(PublishableAdmin):
    list_display = ["name", "featured", "position", "status_badge", "published_at"]
    list_editable = ["featured", "position"]
    list_filter = [StatusFilter, "featured"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [
        (None, {"fields": ["name", "slug", "description"]}),
        ("On the hub", {"fields": ["featured", "position"]}),
        PUBLISHING,
        ("Topic page", {"fields": ["body"]}),
    ]
    markdown_fields = ["body"]


class MembershipInline(admin.TabularInline):
    model = Membership
    fields = ["person", "role", "term_start", "term_end", "position"]
    autocomplete_fields = ["person"]
    extra = 1


@admin.register(Committee)
class CommitteeAdmin(PublishableAdmin):
    list_display = ["name", "formed_on", "status_badge", "published_at"]
    list_filter = [StatusFilter]
    search_fields = ["name", "mandate"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["publications"]
    inlines = [MembershipInline]
    fieldsets = [
        (None, {"fields": ["name", "slug", "formed_on"]}),
        PUBLISHING,
        ("Text", {"fields": ["mandate", "charter"]}),
        ("Related", {"fields": ["publications"]}),
    ]
    markdown_fields = ["charter"]


@admin.register(Person)
class PersonAdmin(CatalogAdmin):
    list_display = ["name", "role"]
    search_fields = ["name", "role"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [
        (None, {"fields": ["name", "slug", "role", "bio"]}),
        ("Portrait", {"fields": ["portrait", "portrait_alt"]}),
    ]


class PracticeInline(admin.TabularInline):
    model = Practice
    fields = ["name", "slug", "position"]
    prepopulated_fields = {"slug": ["name"]}
    show_change_link = True
    extra = 1


@admin.register(Stage)
class StageAdmin(CatalogAdmin):
    list_display = ["name", "position"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "slug", "summary", "position"]
    inlines = [PracticeInline]


@admin.register(Practice)
class PracticeAdmin(CatalogAdmin):
    list_display = ["name", "stage", "position"]
    list_select_related = ["stage"]
    list_filter = ["stage"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["stage", "name", "slug", "description", "position"]


@admin.register(Conversation)
class ConversationAdmin(PublishableAdmin):
    list_display = ["title", "duration", "position", "status_badge", "published_at"]
    list_editable = ["position"]
    list_filter = [StatusFilter]
    search_fields = ["title", "summary"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["speakers"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "speakers", "url", "duration", "position"]}),
        PUBLISHING,
        ("Text and image", {"fields": ["summary", "image", "image_alt"]}),
    ]


class HubFeatureInline(admin.TabularInline):
    model = HubFeature
    fields = ["position", "publication", "committee"]
    autocomplete_fields = ["publication", "committee"]
    extra = 1


@admin.register(HubPage)
class HubPageAdmin(EditorialAdmin):
    """The one landing page: edited in place, never added twice or deleted."""

    inlines = [HubFeatureInline]
    fieldsets = [
        ("Top of the page", {"fields": ["eyebrow", "title", "intro", "meta_title"]}),
        (
            "Lifecycle",
            {
                "fields": [
                    "lifecycle_heading",
                    "lifecycle_intro",
                    "approach_link_text",
                    "approach_link_url",
                ]
            },
        ),
        ("Topics", {"fields": ["topics_heading", "topics_intro"]}),
        ("Conversations", {"fields": ["conversations_heading", "conversations_intro"]}),
        ("Latest news", {"fields": ["news_heading", "news_count"]}),
        (
            "Go deeper",
            {"fields": ["deeper_heading", "evaluations_link_text", "evaluations_link_url"]},
        ),
    ]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not HubPage.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


class TableExportAdmin(CatalogAdmin):
    """Lists whose selected rows download as CSV or JSON."""

    actions = ["export_csv", "export_json"]

    def export_table(self, request, queryset):
        """Columns and rows: each field under its own name, a relation as its slug."""
        return object_rows(queryset)

    def export(self, request, queryset, file_format):
        columns, rows = self.export_table(request, queryset)
        filename = str(self.model._meta.verbose_name_plural).replace(" ", "-")
        return table_response(
            columns=columns, rows=rows, file_format=file_format, filename=filename
        )

    @admin.action(description="Export the selected %(verbose_name_plural)s as CSV")
    def export_csv(self, request, queryset):
        return self.export(request, queryset, "csv")

    @admin.action(description="Export the selected %(verbose_name_plural)s as JSON")
    def export_json(self, request, queryset):
        return self.export(request, queryset, "json")


@admin.register(EvaluationCategory)
class EvaluationCategoryAdmin(TableExportAdmin):
    list_display = ["name", "position"]
    list_editable = ["position"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "slug", "description", "position"]


class MetricInline(admin.TabularInline):
    model = Metric
    fields = ["name", "description", "unit", "minimum", "maximum", "direction", "position"]
    extra = 0


class ResultInline(admin.TabularInline):
    """The evaluation's results, one row per model, metric and sub-category."""

    model = Result
    fields = ["metric", "ai_model", "subcategory", "value", "measured_on", "source", "note"]
    autocomplete_fields = ["ai_model", "source"]
    extra = 1

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("metric__evaluation", "ai_model", "source")
            .order_by("metric__position", "metric__name", "ai_model__name", "subcategory")
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "metric":
            field.queryset = field.queryset.filter(
                evaluation=request.resolver_match.kwargs.get("object_id")
            )
            field.label_from_instance = lambda metric: metric.name
            # Read once for the whole formset rather than once per row.
            field.choices = list(field.choices)
        return field


@admin.register(Evaluation)
class EvaluationAdmin(TableExportAdmin):
    list_display = ["name", "category", "position"]
    list_select_related = ["category"]
    list_filter = ["category"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["category", "name", "slug", "description", "position"]
    inlines = [MetricInline, ResultInline]

    def get_inline_instances(self, request, obj=None):
        """Results need the evaluation's metrics, so they are added once it is saved."""
        instances = super().get_inline_instances(request, obj)
        if obj is None:
            return [inline for inline in instances if not isinstance(inline, ResultInline)]
        return instances


@admin.register(Metric)
class MetricAdmin(TableExportAdmin):
    list_display = ["name", "evaluation", "direction", "minimum", "maximum", "unit"]
    list_select_related = ["evaluation"]
    list_filter = ["direction", "evaluation"]
    search_fields = ["name", "evaluation__name"]
    fields = [
        "evaluation",
        "name",
        "description",
        "unit",
        "minimum",
        "maximum",
        "direction",
        "position",
    ]


MAX_IMPORT_BYTES = 10 * 1024 * 1024
SHOWN_PROBLEMS = 100


class ResultImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text=(
            f"UTF-8 CSV with the columns {', '.join(REQUIRED_COLUMNS)}, and optionally "
            "subcategory and note: the columns the results export writes, so an export can be "
            "edited and imported again. Evaluations, models and sources are named by slug."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise ValidationError(
                f"The file is {filesizeformat(upload.size)}; "
                f"the limit is {filesizeformat(MAX_IMPORT_BYTES)}. Split it and import each part."
            )
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError(
                "The file is not UTF-8 text. Save it as “CSV UTF-8” and upload it again."
            ) from None


@admin.register(Result)
class ResultAdmin(TableExportAdmin):
    list_display = ["ai_model", "evaluation", "metric", "subcategory", "value", "measured_on"]
    list_select_related = ["ai_model", "evaluation", "metric__evaluation"]
    list_filter = ["evaluation__category", "evaluation"]
    search_fields = ["ai_model__name", "evaluation__name", "metric__name", "subcategory"]
    search_help_text = "AI model, evaluation, metric or sub-category."
    autocomplete_fields = ["evaluation", "ai_model", "source"]
    fields = [
        "evaluation",
        "metric",
        "ai_model",
        "subcategory",
        "value",
        "measured_on",
        "source",
        "note",
    ]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "metric":
            kwargs["queryset"] = Metric.objects.select_related("evaluation")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_urls(self):
        view = self.admin_site.admin_view(self.import_view)
        return [path("import/", view, name="catalog_result_import"), *super().get_urls()]

    def export_table(self, request, queryset):
        """The import's columns, so that an export can be edited and imported again."""
        results = queryset.select_related("evaluation__category", "metric", "ai_model", "source")
        return RESULT_COLUMNS, result_rows(results, absolute_url=request.build_absolute_uri)

    def import_view(self, request):
        """Upload a CSV: every row is checked, then all are saved or none."""
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        form = ResultImportForm(request.POST or None, request.FILES or None)
        problems = []
        if request.method == "POST" and form.is_valid():
            lines = io.StringIO(form.cleaned_data["file"], newline="")
            try:
                summary = results_import(lines=lines)
            except ResultImportError as error:
                problems = error.problems
            else:
                self.message_user(request, f"Imported {summary}", messages.SUCCESS)
                return redirect("admin:catalog_result_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Import results from a CSV file",
            "form": form,
            "problems": problems[:SHOWN_PROBLEMS],
            "more_problems": max(len(problems) - SHOWN_PROBLEMS, 0),
            "columns": RESULT_COLUMNS,
        }
        return TemplateResponse(request, "admin/catalog/result/import.html", context)


class RiskCategoryInline(admin.TabularInline):
    model = RiskCategory
    fields = ["name", "slug", "kind", "position"]
    prepopulated_fields = {"slug": ["name"]}
    extra = 0


class ThresholdLevelInline(admin.TabularInline):
    model = ThresholdLevel
    fields = ["rank", "name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}
    extra = 0


@admin.register(FrameworkVersion)
class FrameworkVersionAdmin(TableExportAdmin):
    list_display = ["name", "released_on", "scores_mitigation"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["publication"]
    fields = ["name", "slug", "released_on", "publication", "summary", "scores_mitigation"]
    inlines = [RiskCategoryInline, ThresholdLevelInline]


@admin.register(RiskCategory)
class RiskCategoryAdmin(TableExportAdmin):
    list_display = ["name", "version", "kind", "position"]
    list_select_related = ["version"]
    list_filter = ["version", "kind"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["version", "name", "slug", "kind", "description", "position"]


@admin.register(ThresholdLevel)
class ThresholdLevelAdmin(TableExportAdmin):
    list_display = ["name", "version", "rank"]
    list_select_related = ["version"]
    list_filter = ["version"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["version", "rank", "name", "slug", "description"]


@admin.register(Determination)
class DeterminationAdmin(TableExportAdmin):
    list_display = ["ai_model", "category", "level", "pre_mitigation_level", "source", "committee"]
    list_select_related = [
        "ai_model",
        "category__version",
        "level__version",
        "pre_mitigation_level__version",
        "source",
        "committee",
    ]
    list_filter = ["category__version", "category__name", "level__name"]
    search_fields = ["ai_model__name", "category__name"]
    autocomplete_fields = ["ai_model", "source", "committee"]
    fields = [
        "ai_model",
        "category",
        "level",
        "pre_mitigation_level",
        "source",
        "committee",
        "note",
    ]

    def export_table(self, request, queryset):
        """The site's columns; staff see the committee whether or not it is published."""
        determinations = queryset.select_related(
            "category__version", "level", "pre_mitigation_level", "ai_model", "source", "committee"
        ).annotate(
            committee_is_live=ExpressionWrapper(
                Q(committee__isnull=False), output_field=BooleanField()
            )
        )
        rows = determination_rows(determinations, absolute_url=request.build_absolute_uri)
        return DETERMINATION_COLUMNS, rows

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in {"category", "level", "pre_mitigation_level"}:
            kwargs["queryset"] = db_field.related_model.objects.select_related("version")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
