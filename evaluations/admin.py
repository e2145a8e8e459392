"""The evaluations in the Django admin: every list exports its selected rows as CSV or JSON,
and results import from a CSV file that uses the export's columns."""

import io

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.shortcuts import redirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import path

from catalog.admin import CatalogAdmin, OrderedInline
from evaluations.models import (
    Determination,
    Evaluation,
    EvaluationCategory,
    FrameworkVersion,
    Metric,
    Result,
    RiskCategory,
    ThresholdLevel,
)
from evaluations.tables import (
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


class MetricInline(OrderedInline, admin.TabularInline):
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
    fields = ["category", "name", "slug", "description", "position", "topics"]
    autocomplete_fields = ["topics"]
    inlines = [MetricInline, ResultInline]

    def get_inline_instances(self, request, obj=None):
        """Results need the evaluation's metrics, so they are added once it is saved."""
        instances = super().get_inline_instances(request, obj)
        if obj is None:
            return [inline for inline in instances if not isinstance(inline, ResultInline)]
        return instances


@admin.register(Metric)
class MetricAdmin(TableExportAdmin):
    # What fits a laptop: the range is on the form.
    list_display = ["name", "evaluation", "direction", "unit"]
    list_select_related = ["evaluation"]
    list_filter = ["direction", "evaluation"]
    search_fields = ["name", "evaluation__name"]
    fields = [
        "evaluation",
        "name",
        "label",
        "description",
        "unit",
        "minimum",
        "maximum",
        "direction",
        "decimals",
        "position",
    ]


MAX_IMPORT_BYTES = 10 * 1024 * 1024
SHOWN_PROBLEMS = 100


class ResultImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text=(
            f"UTF-8 CSV with the columns {', '.join(REQUIRED_COLUMNS)}, and optionally "
            "subcategory, source_table, source_document and note: the columns the results "
            "export writes, so an export can be edited and imported again. Evaluations, "
            "models and sources are named by slug."
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
    # The metric's name says its evaluation; the evaluation is a filter.
    list_display = ["ai_model", "metric", "subcategory", "value", "measured_on"]
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
        "source_table",
        "source_url",
        "note",
    ]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "metric":
            kwargs["queryset"] = Metric.objects.select_related("evaluation")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_urls(self):
        view = self.admin_site.admin_view(self.import_view)
        return [path("import/", view, name="evaluations_result_import"), *super().get_urls()]

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
                return redirect("admin:evaluations_result_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Import results from a CSV file",
            "form": form,
            "problems": problems[:SHOWN_PROBLEMS],
            "more_problems": max(len(problems) - SHOWN_PROBLEMS, 0),
            "columns": RESULT_COLUMNS,
        }
        return TemplateResponse(request, "admin/evaluations/result/import.html", context)


class RiskCategoryInline(OrderedInline, admin.TabularInline):
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
    # What fits a laptop: the source and the committee are on the form (and the committee a filter).
    list_display = ["ai_model", "category", "level_name", "pre_mitigation_level_name"]
    list_select_related = [
        "ai_model",
        "category__version",
        "level__version",
        "pre_mitigation_level__version",
    ]
    list_filter = ["category__version", "category__name", "level__name", "committee"]
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

    @admin.display(description="level", ordering="level__rank")
    def level_name(self, determination):
        return determination.level.name

    @admin.display(description="pre-mitigation level", ordering="pre_mitigation_level__rank")
    def pre_mitigation_level_name(self, determination):
        level = determination.pre_mitigation_level
        return level.name if level else "-"

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
