import re

from django.core.paginator import InvalidPage, Paginator
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.http import Http404
from django.template.response import TemplateResponse
from django.views.generic import DetailView, ListView, TemplateView

from catalog import search
from catalog.filters import NewsFilter, PublicationFilter, form_problems, query_problems
from catalog.models import (
    AIModel,
    Committee,
    Conversation,
    HubPage,
    Kind,
    Label,
    Membership,
    Person,
    Practice,
    Publication,
    Stage,
    Topic,
)

PAGE_SIZE = 20
SLUG = re.compile(r"[-\w]+")


def live_publications():
    """Live publications as lists show them: with their parent card and live AI models."""
    return (
        Publication.objects.live()
        .select_related("parent")
        .prefetch_related(
            Prefetch("ai_models", queryset=AIModel.objects.live().only("name", "slug"))
        )
        .defer("body")
    )


def live_count(relation):
    """Annotation: how many live publications an object has."""
    live = Publication.objects.live().values("pk")
    return Count(relation, filter=Q(**{f"{relation}__in": live}), distinct=True)


class BadQuery(Exception):
    def __init__(self, problems):
        super().__init__(problems)
        self.problems = problems


class StrictQueryMixin:
    """Lists answer only the parameters they understand, and say what is wrong otherwise."""

    allowed_parameters = {"page"}

    def get(self, request, *args, **kwargs):
        try:
            problems = query_problems(request.GET, self.allowed_parameters)
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


def paginate(request, queryset, per_page=PAGE_SIZE):
    """The requested page of a related list on a detail page."""
    paginator = Paginator(queryset, per_page)
    try:
        return paginator.page(request.GET.get("page") or 1)
    except InvalidPage as error:
        raise Http404(f"There is no page {request.GET.get('page')!r} here: {error}.") from None


class PaginatedDetailView(StrictQueryMixin, DetailView):
    """A detail page whose list of publications is paginated."""

    def get_publications(self):
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        page = paginate(self.request, self.get_publications())
        return super().get_context_data(page_obj=page, publications=page.object_list, **kwargs)


class FilteredListView(StrictQueryMixin, ListView):
    """A list narrowed by a django-filter FilterSet whose values live in the query string."""

    filterset_class = None
    paginate_by = PAGE_SIZE

    def get(self, request, *args, **kwargs):
        self.filterset = self.filterset_class(request.GET, queryset=self.get_base_queryset())
        self.allowed_parameters = {"page", *self.filterset.filters}
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        if not self.filterset.is_valid():
            raise BadQuery(form_problems(self.filterset.form))
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        return super().get_context_data(filter=self.filterset, **kwargs)


class HubView(TemplateView):
    template_name = "catalog/hub.html"

    def get_context_data(self, **kwargs):
        hub = HubPage.objects.first()
        context = super().get_context_data(hub=hub, **kwargs)
        if hub is None:
            return context
        live = Publication.objects.live()
        context.update(
            stages=Stage.objects.prefetch_related("practices"),
            topics=Topic.objects.live().filter(featured=True),
            conversations=Conversation.objects.live(),
            news=live.filter(kind=Kind.NEWS)[: hub.news_count],
            features=hub.features.filter(
                Q(publication__in=live) | Q(committee__in=Committee.objects.live())
            )
            .select_related("publication__parent", "committee")
            .annotate(parent_is_live=Exists(live.filter(pk=OuterRef("publication__parent")))),
        )
        return context


class PublicationListView(FilteredListView):
    filterset_class = PublicationFilter
    template_name = "catalog/publication_list.html"

    def get_base_queryset(self):
        return live_publications()


class NewsListView(FilteredListView):
    filterset_class = NewsFilter
    template_name = "catalog/news_list.html"

    def get_base_queryset(self):
        return live_publications().filter(kind=Kind.NEWS)


class PublicationDetailView(DetailView):
    queryset = Publication.objects.live()

    def get_context_data(self, **kwargs):
        publication = self.object
        ai_models = list(AIModel.objects.live().filter(publications=publication))
        topics = list(Topic.objects.live().filter(publications=publication))
        related = (
            live_publications()
            .filter(Q(ai_models__in=ai_models) | Q(topics__in=topics))
            .exclude(pk=publication.pk)
            .exclude(parent=publication)
            .distinct()[:4]
        )
        return super().get_context_data(
            parent=Publication.objects.live().filter(pk=publication.parent_id).first(),
            addenda=live_publications().filter(parent=publication),
            ai_models=ai_models,
            topics=topics,
            practices=Practice.objects.filter(publications=publication).select_related("stage"),
            committees=Committee.objects.live().filter(publications=publication),
            related=related,
            **kwargs,
        )


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
        live = AIModel.objects.live().annotate(publication_count=live_count("publications"))
        if view == "timeline":
            return live.order_by("-release_date", "name")
        return (
            live.filter(family__isnull=True)
            .order_by("name")
            .prefetch_related(
                Prefetch(
                    "members",
                    queryset=live.order_by("release_date", "name"),
                    to_attr="live_members",
                )
            )
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(view=self.view, **kwargs)


class AIModelDetailView(PaginatedDetailView):
    queryset = AIModel.objects.live().prefetch_related("aliases")
    context_object_name = "ai_model"
    template_name = "catalog/aimodel_detail.html"

    def get_publications(self):
        return live_publications().filter(ai_models=self.object)

    def get_context_data(self, **kwargs):
        model = self.object
        live_models = AIModel.objects.live()
        return super().get_context_data(
            family=live_models.filter(pk=model.family_id).first(),
            family_members=live_models.filter(family=model),
            based_on=model.lineage.filter(source__in=live_models).select_related("source"),
            derived=model.descendants.filter(model__in=live_models).select_related("model"),
            topics=Topic.objects.live()
            .filter(publications__in=Publication.objects.live().filter(ai_models=model))
            .distinct(),
            **kwargs,
        )


class TopicListView(StrictQueryMixin, ListView):
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        return (
            Topic.objects.live()
            .annotate(publication_count=live_count("publications"))
            .order_by("position", "name")
        )


class TopicDetailView(PaginatedDetailView):
    queryset = Topic.objects.live()

    def get_publications(self):
        return live_publications().filter(topics=self.object)


class CommitteeListView(StrictQueryMixin, ListView):
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        return (
            Committee.objects.live()
            .annotate(member_count=Count("members", distinct=True))
            .order_by("name")
        )


class CommitteeDetailView(PaginatedDetailView):
    queryset = Committee.objects.live()

    def get_publications(self):
        return live_publications().filter(committees=self.object)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            memberships=self.object.memberships.select_related("person"), **kwargs
        )


def live_memberships():
    return Membership.objects.filter(committee__in=Committee.objects.live()).select_related(
        "committee"
    )


class PersonListView(StrictQueryMixin, ListView):
    paginate_by = PAGE_SIZE
    queryset = Person.objects.prefetch_related(Prefetch("memberships", queryset=live_memberships()))


class PersonDetailView(DetailView):
    queryset = Person.objects.prefetch_related(
        Prefetch("memberships", queryset=live_memberships()),
        Prefetch("conversations", queryset=Conversation.objects.live()),
    )


class ConversationListView(StrictQueryMixin, ListView):
    paginate_by = PAGE_SIZE
    queryset = Conversation.objects.live().prefetch_related("speakers")


class ConversationDetailView(DetailView):
    queryset = Conversation.objects.live().prefetch_related("speakers")


class StageListView(StrictQueryMixin, ListView):
    queryset = Stage.objects.prefetch_related("practices")


class StageDetailView(DetailView):
    queryset = Stage.objects.prefetch_related("practices")


class PracticeDetailView(PaginatedDetailView):
    queryset = Practice.objects.select_related("stage")

    def get_publications(self):
        return live_publications().filter(practices=self.object)


class SearchView(TemplateView):
    """One box over titles, summaries, bodies and the names of models, topics and committees."""

    template_name = "catalog/search.html"
    facet_names = ["model", "topic", "kind", "label", "year"]

    def get(self, request, *args, **kwargs):
        problems = query_problems(
            request.GET, {"q", "page", "related", *self.facet_names}, repeatable=self.facet_names
        )
        if not problems:
            self.text, self.filters, problems = self.read_query(request.GET)
        if problems:
            return TemplateResponse(
                request,
                "catalog/bad_query.html",
                {"problems": problems, "reset_url": request.path},
                status=400,
            )
        return super().get(request, *args, **kwargs)

    def read_query(self, params):
        problems = []
        text = params.get("q", "").replace("\x00", " ").strip()
        if len(text) > search.MAX_QUERY_LENGTH:
            problems.append(
                f"Search text is limited to {search.MAX_QUERY_LENGTH} characters; "
                f"this one has {len(text):,}."
            )
        related = params.get("related", "all")
        if related not in {"all", "exact"}:
            problems.append(f"“related” is “all” or “exact”, not “{related}”.")

        def chosen(name, queryset, noun):
            slugs = set(params.getlist(name))
            for slug in sorted(slug for slug in slugs if not SLUG.fullmatch(slug)):
                problems.append(f"“{slug}” is not a valid {noun} name.")
                slugs.discard(slug)
            found = list(queryset.filter(slug__in=slugs)) if slugs else []
            for slug in sorted(slugs - {item.slug for item in found}):
                problems.append(f"There is no {noun} “{slug}”.")
            return found

        def valid(name, values, noun):
            picked = params.getlist(name)
            problems.extend(
                f"“{value}” is not a {noun}." for value in picked if value not in values
            )
            return [value for value in picked if value in values]

        years = [str(year) for year in range(1900, 2200)]
        filters = search.Filters(
            ai_models=chosen("model", AIModel.objects.live(), "AI model"),
            topics=chosen("topic", Topic.objects.live(), "topic"),
            kinds=valid("kind", Kind.values, "kind of publication"),
            labels=valid("label", Label.values, "label"),
            years=[int(year) for year in valid("year", years, "year")],
            related=related == "all",
        )
        return text, filters, problems

    def get_context_data(self, **kwargs):
        query = search.query_parse(self.text)
        page = paginate(self.request, search.RankedResults(query, self.filters))
        counts = search.facet_counts(query, self.filters)
        ai_models, topics = search.quick_matches(self.text, query) if query else ([], [])
        return super().get_context_data(
            text=self.text,
            query=query,
            page_obj=page,
            facets=self.facets(counts),
            quick_models=ai_models,
            quick_topics=topics,
            related=self.filters.related,
            suggested_topics=Topic.objects.live() if not page.paginator.count else [],
            **kwargs,
        )

    def facets(self, counts):
        """Each facet's values with their counts, chosen ones first; only values with results."""
        params = self.request.GET

        def options(name, values):
            chosen = set(params.getlist(name))
            listed = [
                {
                    "value": value,
                    "label": label,
                    "count": counts[name].get(key, 0),
                    "chosen": value in chosen,
                    "remove_url": self.url_without(name, value),
                }
                for key, value, label in values
                if counts[name].get(key) or value in chosen
            ]
            return sorted(listed, key=lambda option: (not option["chosen"], -option["count"]))

        live_models = AIModel.objects.live().only("name", "slug")
        return [
            ("model", "AI model", options("model", [(m.pk, m.slug, m.name) for m in live_models])),
            (
                "topic",
                "Topic",
                options("topic", [(t.pk, t.slug, t.name) for t in Topic.objects.live()]),
            ),
            ("kind", "Kind", options("kind", [(k, k, label) for k, label in Kind.choices])),
            ("label", "Label", options("label", [(k, k, label) for k, label in Label.choices])),
            (
                "year",
                "Year",
                sorted(
                    options("year", [(y, str(y), str(y)) for y in counts["year"]]),
                    key=lambda option: option["value"],
                    reverse=True,
                ),
            ),
        ]

    def url_without(self, name, value):
        params = self.request.GET.copy()
        params.setlist(name, [v for v in params.getlist(name) if v != value])
        params.pop("page", None)
        return f"{self.request.path}?{params.urlencode()}"
