import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.core.paginator import InvalidPage, Paginator
from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.cache import patch_cache_control
from django.utils.csp import build_policy
from django.views.generic import DetailView, ListView, TemplateView, View

from catalog.charts import BarChart, bar_chart
from catalog.filters import NewsFilter, PublicationFilter, form_problems, query_problems
from catalog.models import (
    AIModel,
    Committee,
    Conversation,
    Determination,
    Evaluation,
    EvaluationCategory,
    FrameworkVersion,
    HubPage,
    Kind,
    Membership,
    Metric,
    ModelLineage,
    Person,
    Practice,
    Publication,
    Result,
    RiskKind,
    Stage,
    Topic,
)
from catalog.tables import (
    DETERMINATION_COLUMNS,
    RESULT_COLUMNS,
    determination_rows,
    result_rows,
    table_response,
)
from editorial.workflow import is_live, state_description
from uploads.documents import DOCUMENT_CSP

PAGE_SIZE = 20
RELATED_COUNT = 4
SLUG = re.compile(r"[-\w]+")


class BadQuery(Exception):
    def __init__(self, problems):
        super().__init__(problems)
        self.problems = problems


class StrictQueryMixin:
    """Lists answer only the parameters they understand, and say what is wrong otherwise."""

    allowed_parameters = {"page"}
    repeatable_parameters = ()

    def get(self, request, *args, **kwargs):
        try:
            problems = query_problems(
                request.GET, self.allowed_parameters, self.repeatable_parameters
            )
            if problems:
                raise BadQuery(problems)
            return super().get(request, *args, **kwargs)
        except BadQuery as error:
            return TemplateResponse(
                request,
                "catalog/bad_query.html",
                {"problems": error.problems, "reset_url": request.path},
                status=400,
            )


def paginate(request, paginator):
    """The requested page of a list on a search or detail page."""
    try:
        return paginator.page(request.GET.get("page") or 1)
    except InvalidPage as error:
        raise Http404(f"There is no page {request.GET.get('page')!r} here: {error}.") from None


def staff_may_preview(user, model) -> bool:
    """Staff who may see a type's items in the admin may see its unpublished ones on the site."""
    if not user.is_staff:
        return False
    app_label, model_name = model._meta.app_label, model._meta.model_name
    return user.has_perm(f"{app_label}.view_{model_name}") or user.has_perm(
        f"{app_label}.change_{model_name}"
    )


class LiveOrPreviewMixin:
    """A detail page of a type with a status: visitors see only live items.

    Staff who may see the item in the admin, and whoever holds an active preview link to it,
    see it in any status at its real address, exactly as it will look, under a banner saying
    it is a preview; that answer is never cached and never indexed.
    """

    preview_link = None  # set by editorial's preview-link view

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.preview_link is not None:
            return queryset.filter(pk=self.preview_link.object_id)
        if staff_may_preview(self.request.user, queryset.model):
            return queryset
        return queryset.live()

    def get_context_data(self, **kwargs):
        if not is_live(self.object):
            kwargs.update(
                preview_state=state_description(self.object), preview_link=self.preview_link
            )
        return super().get_context_data(**kwargs)

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if context.get("preview_state"):
            patch_cache_control(response, private=True, no_store=True)
            response["X-Robots-Tag"] = "noindex"
        return response


class PublicationPagesMixin:
    """A page listing live publications as cards, PAGE_SIZE at a time: the publication and
    news lists, and the pages of an AI model, a topic, a committee or a practice."""

    def get_publications(self):
        """The live publications the page lists, in order: a QuerySet."""
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        page = paginate(self.request, Paginator(self.get_publications().as_cards(), PAGE_SIZE))
        return super().get_context_data(page_obj=page, publications=page.object_list, **kwargs)


class FilteredListView(PublicationPagesMixin, StrictQueryMixin, TemplateView):
    """Live publications narrowed by a django-filter FilterSet whose values live in the query
    string."""

    filterset_class = None

    def get(self, request, *args, **kwargs):
        self.filterset = self.filterset_class(
            request.GET, queryset=self.get_queryset(), request=request
        )
        self.allowed_parameters = {"page", *self.filterset.filters}
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return Publication.objects.live()

    def get_publications(self):
        if not self.filterset.is_valid():
            raise BadQuery(form_problems(self.filterset.form))
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        return super().get_context_data(filter=self.filterset, **kwargs)


class PublicationListView(FilteredListView):
    filterset_class = PublicationFilter
    template_name = "catalog/publication_list.html"


class NewsListView(FilteredListView):
    filterset_class = NewsFilter
    template_name = "catalog/news_list.html"

    def get_queryset(self):
        return Publication.objects.live().filter(kind=Kind.NEWS)


class HubView(TemplateView):
    template_name = "catalog/hub.html"

    def get_context_data(self, **kwargs):
        hub = HubPage.objects.first()
        context = super().get_context_data(hub=hub, **kwargs)
        if hub is None:
            return context
        live_publications = Publication.objects.live()
        features = (
            hub.features.filter(
                Exists(live_publications.filter(pk=OuterRef("publication")))
                | Exists(Committee.objects.live().filter(pk=OuterRef("committee")))
            )
            .select_related("publication", "committee")
            .defer("publication__body", "committee__charter")
            .prefetch_related(
                Prefetch("publication__parent", queryset=live_publications.only("title", "slug"))
            )
        )
        news = live_publications.filter(kind=Kind.NEWS).only(
            "title", "slug", "label", "published_at"
        )
        context.update(
            stages=Stage.objects.prefetch_related("practices"),
            topics=Topic.objects.live().filter(featured=True),
            conversations=Conversation.objects.live(),
            news=news[: hub.news_count],
            features=features,
        )
        return context


class PublicationDetailView(LiveOrPreviewMixin, DetailView):
    model = Publication

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .prefetch_related(
                Prefetch("ai_models", queryset=AIModel.objects.live(), to_attr="live_ai_models"),
                Prefetch("topics", queryset=Topic.objects.live(), to_attr="live_topics"),
                Prefetch(
                    "practices",
                    queryset=Practice.objects.select_related("stage"),
                    to_attr="all_practices",
                ),
                Prefetch(
                    "committees", queryset=Committee.objects.live(), to_attr="live_committees"
                ),
            )
        )

    def get_context_data(self, **kwargs):
        publication = self.object
        live = Publication.objects.live()
        parent = None
        if publication.parent_id:
            parent = live.filter(pk=publication.parent_id).only("title", "slug").first()
        addenda = list(publication.addenda.live().as_cards())
        model_keys = [model.pk for model in publication.live_ai_models]
        topic_keys = [topic.pk for topic in publication.live_topics]
        about_same = Exists(
            AIModel.objects.filter(pk__in=model_keys, publications=OuterRef("pk"))
        ) | Exists(Topic.objects.filter(pk__in=topic_keys, publications=OuterRef("pk")))
        related = (
            live.filter(about_same)
            .exclude(pk__in=[publication.pk, *(addendum.pk for addendum in addenda)])
            .as_cards()[:RELATED_COUNT]
        )
        stated = Result.objects.live().filter(source=publication, evaluation=OuterRef("pk"))
        return super().get_context_data(
            parent=parent,
            addenda=addenda,
            ai_models=publication.live_ai_models,
            topics=publication.live_topics,
            practices=publication.all_practices,
            committees=publication.live_committees,
            related=related,
            evaluations=Evaluation.objects.filter(Exists(stated)).order_by(
                "category__position", "category__name", "position", "name"
            ),
            determinations=live_determinations().filter(source=publication),
            **kwargs,
        )


def document_response(publication) -> FileResponse:
    """A publication's PDF, as a download named for its slug, under a policy that lets nothing
    in it load or run should a browser show it; an unpublished one is never cached or indexed.

    A download rather than inline: browsers' PDF viewers do not run in a sandboxed document,
    and a file opened outside the browser runs nothing on this site's origin. The type is fixed
    (the upload was checked to be a PDF) and nosniff stops browsers guessing another.
    """
    try:
        file = publication.document.storage.open(publication.document.name, "rb")
    except FileNotFoundError:
        raise Http404("This publication’s document file is missing.") from None
    response = FileResponse(
        file,
        as_attachment=True,
        content_type="application/pdf",
        filename=f"{publication.slug}.pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    # Set here rather than through SECURE_CSP: the CSP middleware leaves a set header alone.
    response["Content-Security-Policy"] = build_policy(DOCUMENT_CSP)
    if not is_live(publication):
        patch_cache_control(response, private=True, no_store=True)
        response["X-Robots-Tag"] = "noindex"
    return response


class PublicationDocumentView(View):
    """A publication's PDF: for visitors once the publication is live, and before that for the
    staff who may preview it and, through editorial's view, whoever holds a preview link."""

    preview_link = None  # set by editorial's preview-link view

    def get(self, request, slug):
        publications = Publication.objects.live()
        if self.preview_link is not None:
            publications = Publication.objects.filter(pk=self.preview_link.object_id)
        elif staff_may_preview(request.user, Publication):
            publications = Publication.objects.all()
        publication = get_object_or_404(publications.exclude(document=""), slug=slug)
        return document_response(publication)


class AIModelListView(StrictQueryMixin, ListView):
    """Model families, or every model on a release timeline (?view=timeline)."""

    template_name = "catalog/aimodel_list.html"
    allowed_parameters = {"page", "view"}
    paginate_by = 30

    def get_queryset(self):
        view = self.request.GET.get("view", "families")
        if view not in {"families", "timeline"}:
            raise BadQuery([f"“view” is “families” or “timeline”, not “{view}”."])
        self.view = view
        live = AIModel.objects.live()
        if view == "timeline":
            return live.order_by("-release_date", "name")
        members = AIModel.objects.live().order_by("release_date", "name")
        return live.filter(family__isnull=True).prefetch_related(
            Prefetch("members", queryset=members, to_attr="live_members")
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(view=self.view, **kwargs)


class AIModelDetailView(PublicationPagesMixin, LiveOrPreviewMixin, StrictQueryMixin, DetailView):
    queryset = AIModel.objects.prefetch_related("aliases")
    context_object_name = "ai_model"
    template_name = "catalog/aimodel_detail.html"

    def get_publications(self):
        return self.object.publications.live()

    def get_context_data(self, **kwargs):
        model = self.object
        live_models = AIModel.objects.live()
        lineage = sorted(
            ModelLineage.objects.filter(
                Q(model=model, source__in=live_models) | Q(source=model, model__in=live_models)
            ).select_related("model", "source"),
            key=lambda step: (
                step.relation,
                (step.source if step.model_id == model.pk else step.model).name,
            ),
        )
        return super().get_context_data(
            aliases=model.aliases.all(),
            family=live_models.filter(pk=model.family_id).first() if model.family_id else None,
            family_members=model.members.live(),
            based_on=[step for step in lineage if step.model_id == model.pk],
            derived=[step for step in lineage if step.source_id == model.pk],
            topics=Topic.objects.live()
            .filter(publications__in=model.publications.live())
            .distinct(),
            results=live_results().filter(ai_model=model),
            determinations=live_determinations().filter(ai_model=model),
            **kwargs,
        )


class TopicListView(StrictQueryMixin, ListView):
    paginate_by = PAGE_SIZE
    template_name = "catalog/topic_list.html"

    def get_queryset(self):
        """The live topics, in order, each with its number of live publications."""
        live = Q(publications__in=Publication.objects.live())
        return (
            Topic.objects.live()
            .annotate(publication_count=Count("publications", filter=live))
            .order_by("position", "name")
        )


class TopicDetailView(PublicationPagesMixin, LiveOrPreviewMixin, StrictQueryMixin, DetailView):
    queryset = Topic.objects.all()

    def get_publications(self):
        return self.object.publications.live()


class CommitteeListView(StrictQueryMixin, ListView):
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        return (
            Committee.objects.live()
            .annotate(member_count=Count("members", distinct=True))
            .order_by("name")
        )


class CommitteeDetailView(PublicationPagesMixin, LiveOrPreviewMixin, StrictQueryMixin, DetailView):
    queryset = Committee.objects.all()

    def get_publications(self):
        return self.object.publications.live()

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            memberships=self.object.memberships.select_related("person"),
            determinations=live_determinations().filter(committee=self.object),
            **kwargs,
        )


def live_memberships():
    """Memberships of live committees, as a person's page lists them."""
    return (
        Membership.objects.filter(committee__in=Committee.objects.live())
        .select_related("committee")
        .order_by("position", "pk")
    )


class PersonListView(StrictQueryMixin, ListView):
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        return Person.objects.prefetch_related(
            Prefetch("memberships", queryset=live_memberships(), to_attr="live_memberships")
        )


class PersonDetailView(DetailView):
    queryset = Person.objects.all()

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            memberships=live_memberships().filter(person=self.object),
            conversations=self.object.conversations.live(),
            **kwargs,
        )


class ConversationListView(StrictQueryMixin, ListView):
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        return Conversation.objects.live().prefetch_related("speakers")


class ConversationDetailView(LiveOrPreviewMixin, DetailView):
    queryset = Conversation.objects.prefetch_related("speakers")


class StageListView(StrictQueryMixin, ListView):
    queryset = Stage.objects.prefetch_related("practices")


class StageDetailView(DetailView):
    queryset = Stage.objects.prefetch_related("practices")


class PracticeDetailView(PublicationPagesMixin, StrictQueryMixin, DetailView):
    queryset = Practice.objects.select_related("stage")

    def get_publications(self):
        return self.object.publications.live()


# Safety evaluations: results per model, and Preparedness determinations.

# Evaluations in the order the index lists them; a table of results then orders by metric,
# model and sub-category.
EVALUATION_ORDER = [
    "evaluation__category__position",
    "evaluation__category__name",
    "evaluation__position",
    "evaluation__name",
]
RESULT_TABLE_ORDER = [
    *EVALUATION_ORDER,
    "metric__position",
    "metric__name",
    "ai_model__name",
    "subcategory",
]
MAX_COMPARED = 5


def live_results():
    """Live results with everything their tables show, in one query."""
    return (
        Result.objects.live()
        .select_related("evaluation__category", "metric", "ai_model", "source")
        .defer("ai_model__summary", "source__summary", "source__body", "source__body_html")
        .order_by(*RESULT_TABLE_ORDER)
    )


def live_determinations():
    """Live determinations with their levels and source, newest framework version first."""
    return (
        Determination.objects.live()
        .select_related(
            "category__version",
            "level",
            "pre_mitigation_level",
            "ai_model",
            "source",
            "committee",
        )
        .defer("ai_model__summary", "source__summary", "source__body", "source__body_html")
        .annotate(
            committee_is_live=Exists(Committee.objects.live().filter(pk=OuterRef("committee")))
        )
        .order_by("-category__version__released_on", "category__position", "ai_model__name")
    )


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
    for determination in live_determinations():
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

    template_name = "catalog/evaluation_list.html"
    allowed_parameters = set()

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

    def get_context_data(self, **kwargs):
        order = self.request.GET.get("order", "best")
        if order not in RESULT_ORDERS:
            raise BadQuery([f"“order” is one of {', '.join(RESULT_ORDERS)}; not “{order}”."])
        by_metric = defaultdict(list)
        for result in live_results().filter(evaluation=self.object):
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
    for result in live_results().filter(ai_model__in=ai_models):
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

    template_name = "catalog/evaluation_compare.html"
    allowed_parameters = {"models"}
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
        return table_response(
            columns=self.columns,
            rows=self.rows(items, absolute_url=request.build_absolute_uri),
            file_format=file_format,
            filename=filename,
        )

    def get_items(self, **kwargs):
        raise NotImplementedError


class ResultsDownloadView(StrictQueryMixin, TableDownloadView):
    allowed_parameters = set()

    def get_items(self):
        return live_results(), "evaluation-results"


class EvaluationResultsDownloadView(StrictQueryMixin, TableDownloadView):
    allowed_parameters = set()

    def get_items(self, slug):
        evaluation = get_object_or_404(Evaluation, slug=slug)
        return live_results().filter(evaluation=evaluation), f"{evaluation.slug}-results"


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
        return live_results().filter(ai_model=model), f"{model.slug}-results"


class DeterminationsDownloadView(StrictQueryMixin, TableDownloadView):
    allowed_parameters = set()
    columns = DETERMINATION_COLUMNS
    rows = staticmethod(determination_rows)

    def get_items(self):
        return live_determinations(), "preparedness-determinations"


class AIModelDeterminationsDownloadView(StrictQueryMixin, TableDownloadView):
    allowed_parameters = set()
    columns = DETERMINATION_COLUMNS
    rows = staticmethod(determination_rows)

    def get_items(self, slug):
        model = get_object_or_404(AIModel.objects.live(), slug=slug)
        return live_determinations().filter(ai_model=model), f"{model.slug}-determinations"
