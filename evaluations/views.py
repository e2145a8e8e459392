"""The evaluation pages: the index with the Preparedness overview, an evaluation's results as
sortable tables and bar charts, models compared side by side, and every table as a download."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, TemplateView, View

from catalog.models import AIModel, Publication
from catalog.views import SLUG, BadQuery, StrictQueryMixin
from evaluations.charts import BarChart, bar_chart
from evaluations.models import (
    Determination,
    Evaluation,
    EvaluationCategory,
    FrameworkVersion,
    Metric,
    Result,
    RiskKind,
)
from evaluations.tables import (
    DETERMINATION_COLUMNS,
    RESULT_COLUMNS,
    determination_rows,
    result_rows,
    table_response,
)
from pagecache.keys import list_key, surrogate_keys_add

# The most models a comparison shows side by side.
MAX_COMPARED = 5


# What a table of results or determinations names, as surrogate keys (pagecache.keys).
SHOWN_WITH_RESULTS = [
    list_key(model) for model in (Result, Determination, Evaluation, Metric, AIModel, Publication)
]


@dataclass
class PreparednessGrid:
    """A framework version's determinations: one row per model, one column per tracked category."""

    version: FrameworkVersion
    tracked: list
    research: list
    rows: list  # (AI model, [determination or None for each tracked category])


def preparedness_grids() -> list[PreparednessGrid]:
    versions = (
        FrameworkVersion.objects.select_related("publication")
        .annotate(
            publication_is_live=Exists(
                Publication.objects.live().filter(pk=OuterRef("publication"))
            )
        )
        .prefetch_related("categories", "levels")
    )
    found = defaultdict(lambda: defaultdict(dict))
    for determination in Determination.objects.live().as_table():
        version_cells = found[determination.category.version_id]
        version_cells[determination.ai_model][determination.category_id] = determination
    grids = []
    for version in versions:
        categories = version.categories.all()
        tracked = [category for category in categories if category.kind == RiskKind.TRACKED]
        models = sorted(found[version.pk], key=lambda model: model.name)
        models.sort(key=lambda model: model.release_date or date.min, reverse=True)
        rows = [
            (model, [found[version.pk][model].get(category.pk) for category in tracked])
            for model in models
        ]
        research = [category for category in categories if category.kind == RiskKind.RESEARCH]
        grids.append(PreparednessGrid(version, tracked, research, rows))
    return grids


class EvaluationListView(StrictQueryMixin, TemplateView):
    """The categories with their evaluations, and the Preparedness overview."""

    template_name = "evaluations/evaluation_list.html"
    allowed_parameters = set()
    surrogate_keys = SHOWN_WITH_RESULTS  # counted, not listed, on this page

    def get_context_data(self, **kwargs):
        live = Result.objects.live().values("pk")
        evaluations = Evaluation.objects.annotate(
            result_count=Count("results", filter=Q(results__in=live)),
            latest_result_on=Max("results__measured_on", filter=Q(results__in=live)),
        ).prefetch_related("metrics")
        categories = list(
            EvaluationCategory.objects.prefetch_related(
                Prefetch("evaluations", queryset=evaluations)
            )
        )
        dates = [
            evaluation.latest_result_on
            for category in categories
            for evaluation in category.evaluations.all()
            if evaluation.latest_result_on
        ]
        return super().get_context_data(
            categories=categories,
            latest_result_on=max(dates, default=None),
            grids=preparedness_grids(),
            **kwargs,
        )


# ?order= on an evaluation's page: the column and its direction; "best" follows the metric.
RESULT_ORDERS = ["best", "model", "-model", "value", "-value", "measured", "-measured"]
SORT_KEYS = {
    "model": lambda result: (result.ai_model.name.lower(), result.subcategory),
    "value": lambda result: result.value,
    "measured": lambda result: result.measured_on,
}
# The first click on a column sorts this way; the next click reverses it.
FIRST_ORDERS = {"model": "model", "measured": "-measured"}


@dataclass
class MetricTable:
    metric: Metric
    results: list
    columns: list  # {"name", "label", "order" (the link's), "sort" (aria-sort)}
    chart: BarChart

    @property
    def has_subcategories(self):
        return any(result.subcategory for result in self.results)

    @property
    def has_notes(self):
        return any(result.note for result in self.results)


def reversed_order(order):
    return order.removeprefix("-") if order.startswith("-") else f"-{order}"


def metric_table(evaluation, metric, results, order) -> MetricTable:
    best_first = "-value" if metric.higher_is_better else "value"
    order = best_first if order == "best" else order
    sorted_by = order.removeprefix("-")
    ordered = sorted(results, key=SORT_KEYS["model"])
    ordered.sort(key=SORT_KEYS[sorted_by], reverse=order.startswith("-"))
    columns = []
    for name, label in [("model", "AI model"), ("value", "Value"), ("measured", "Measured")]:
        if name == sorted_by:
            link = reversed_order(order)
            sort = "descending" if order.startswith("-") else "ascending"
        else:
            link, sort = FIRST_ORDERS.get(name, best_first), None
        columns.append({"name": name, "label": label, "order": link, "sort": sort})
    chart = bar_chart(
        metric,
        ordered,
        id=f"chart-{metric.pk}",
        title=f"{evaluation.name}, {metric.name}: the table above as a bar chart",
    )
    return MetricTable(metric, ordered, columns, chart)


class EvaluationDetailView(StrictQueryMixin, DetailView):
    """Every live result of an evaluation: a sortable table and a bar chart per metric."""

    queryset = Evaluation.objects.select_related("category").prefetch_related("metrics")
    allowed_parameters = {"order"}
    surrogate_keys = SHOWN_WITH_RESULTS

    def get_context_data(self, **kwargs):
        order = self.request.GET.get("order", "best")
        if order not in RESULT_ORDERS:
            raise BadQuery([f"“order” is one of {', '.join(RESULT_ORDERS)}; not “{order}”."])
        by_metric = defaultdict(list)
        for result in Result.objects.live().as_table().filter(evaluation=self.object):
            by_metric[result.metric_id].append(result)
        tables = [
            metric_table(self.object, metric, by_metric.get(metric.pk, []), order)
            for metric in self.object.metrics.all()
        ]
        return super().get_context_data(tables=tables, has_results=bool(by_metric), **kwargs)


@dataclass
class ComparisonRow:
    evaluation: Evaluation
    metric: Metric
    subcategory: str
    cells: list  # (result, is the best of the row), in the order the models were chosen


def compared_models(request) -> list:
    """The live models named by ?models=, in the order given; BadQuery says what is wrong."""
    slugs = request.GET.getlist("models")
    if len(slugs) > MAX_COMPARED:
        raise BadQuery(
            [f"Compare at most {MAX_COMPARED} models at a time; this address names {len(slugs)}."]
        )
    valid = [slug for slug in slugs if SLUG.fullmatch(slug)]
    problems = [
        f"“{slug[:60]}” is not the address name of an AI model."
        for slug in slugs
        if not SLUG.fullmatch(slug)
    ]
    problems += [
        f"“{slug}” is named more than once." for slug in sorted(set(valid)) if slugs.count(slug) > 1
    ]
    found = {model.slug: model for model in AIModel.objects.live().filter(slug__in=valid)}
    problems += [f"There is no published AI model “{slug}”." for slug in valid if slug not in found]
    if problems:
        raise BadQuery(problems)
    return [found[slug] for slug in dict.fromkeys(slugs)]


def comparison_rows(ai_models) -> list[ComparisonRow]:
    """The metrics (and sub-categories) on which every one of the models has a live result."""
    by_key = defaultdict(dict)
    metric_rank = {}
    for result in Result.objects.live().as_table().filter(ai_model__in=ai_models):
        metric_rank.setdefault(result.metric_id, len(metric_rank))
        by_key[result.metric_id, result.subcategory][result.ai_model_id] = result
    rows = []
    for metric_id, subcategory in sorted(by_key, key=lambda key: (metric_rank[key[0]], key[1])):
        found = by_key[metric_id, subcategory]
        if len(found) < len(ai_models):
            continue
        results = [found[model.pk] for model in ai_models]
        metric = results[0].metric
        pick = max if metric.higher_is_better else min
        best = pick(result.value for result in results)
        cells = [(result, result.value == best) for result in results]
        rows.append(ComparisonRow(results[0].evaluation, metric, subcategory, cells))
    return rows


class EvaluationCompareView(StrictQueryMixin, TemplateView):
    """Two to five models side by side on every evaluation they share."""

    template_name = "evaluations/evaluation_compare.html"
    allowed_parameters = {"models"}
    surrogate_keys = SHOWN_WITH_RESULTS
    repeatable_parameters = {"models"}

    def get_context_data(self, **kwargs):
        chosen = compared_models(self.request)
        with_results = Exists(Result.objects.live().filter(ai_model=OuterRef("pk")))
        rows = comparison_rows(chosen) if len(chosen) >= 2 else []
        categories = defaultdict(list)
        for row in rows:
            categories[row.evaluation.category].append(row)
        return super().get_context_data(
            chosen=chosen,
            chosen_slugs={model.slug for model in chosen},
            candidates=AIModel.objects.live().filter(with_results).only("name", "slug"),
            categories=list(categories.items()),
            max_compared=MAX_COMPARED,
            **kwargs,
        )


class TableDownloadView(View):
    """A table of the evaluation pages as a CSV or JSON file, with the same columns."""

    columns = RESULT_COLUMNS
    rows = staticmethod(result_rows)

    def get(self, request, *args, file_format, **kwargs):
        items, filename = self.get_items(**kwargs)
        response = table_response(
            columns=self.columns,
            rows=self.rows(items, absolute_url=request.build_absolute_uri),
            file_format=file_format,
            filename=filename,
        )
        surrogate_keys_add(response, SHOWN_WITH_RESULTS)
        return response

    def get_items(self, **kwargs):
        raise NotImplementedError


class ResultsDownloadView(StrictQueryMixin, TableDownloadView):
    allowed_parameters = set()

    def get_items(self):
        return Result.objects.live().as_table(), "evaluation-results"


class EvaluationResultsDownloadView(StrictQueryMixin, TableDownloadView):
    allowed_parameters = set()

    def get_items(self, slug):
        evaluation = get_object_or_404(Evaluation, slug=slug)
        return Result.objects.live().as_table().filter(
            evaluation=evaluation
        ), f"{evaluation.slug}-results"


class ComparisonDownloadView(StrictQueryMixin, TableDownloadView):
    allowed_parameters = {"models"}
    repeatable_parameters = {"models"}

    def get_items(self):
        chosen = compared_models(self.request)
        if len(chosen) < 2:
            raise BadQuery(["Name two to five models to compare, e.g. ?models=o3&models=o4-mini."])
        rows = comparison_rows(chosen)
        results = [result for row in rows for result, _ in row.cells]
        return results, "comparison-" + "-".join(model.slug for model in chosen)


class AIModelResultsDownloadView(StrictQueryMixin, TableDownloadView):
    allowed_parameters = set()

    def get_items(self, slug):
        model = get_object_or_404(AIModel.objects.live(), slug=slug)
        return Result.objects.live().as_table().filter(ai_model=model), f"{model.slug}-results"


class DeterminationsDownloadView(StrictQueryMixin, TableDownloadView):
    allowed_parameters = set()
    columns = DETERMINATION_COLUMNS
    rows = staticmethod(determination_rows)

    def get_items(self):
        return Determination.objects.live().as_table(), "preparedness-determinations"


class AIModelDeterminationsDownloadView(StrictQueryMixin, TableDownloadView):
    allowed_parameters = set()
    columns = DETERMINATION_COLUMNS
    rows = staticmethod(determination_rows)

    def get_items(self, slug):
        model = get_object_or_404(AIModel.objects.live(), slug=slug)
        return Determination.objects.live().as_table().filter(
            ai_model=model
        ), f"{model.slug}-determinations"
