import re
from typing import NamedTuple

from django.core.paginator import InvalidPage, Paginator
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.cache import patch_cache_control
from django.utils.csp import build_policy
from django.views.generic import DetailView, ListView, TemplateView, View

from catalog import search
from catalog.documents import DOCUMENT_CSP
from catalog.filters import NewsFilter, PublicationFilter, form_problems, query_problems
from catalog.models import (
    AIModel,
    Committee,
    Conversation,
    HubPage,
    Kind,
    Label,
    Membership,
    ModelLineage,
    Person,
    Practice,
    Publication,
    Stage,
    Topic,
)
from editorial.workflow import is_live, state_description

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
        return super().get_context_data(
            parent=parent,
            addenda=addenda,
            ai_models=publication.live_ai_models,
            topics=publication.live_topics,
            practices=publication.all_practices,
            committees=publication.live_committees,
            related=related,
            evaluations=publication.results.live().evaluations(),
            determinations=publication.determinations.live().as_table(),
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
    staff who may preview it (a preview link has its own address, in editorial)."""

    def get(self, request, slug):
        publications = Publication.objects.live()
        if staff_may_preview(request.user, Publication):
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
            results=model.results.live().as_table(),
            determinations=model.determinations.live().as_table(),
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
            determinations=self.object.determinations.live().as_table(),
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


class FacetOption(NamedTuple):
    """A value of a search facet, as the page offers it (an object, not a dict: a template
    reads a dict's keys only after an attribute lookup fails, at the cost of an exception)."""

    value: str
    label: str
    count: int
    chosen: bool
    remove_url: str | None


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

        def chosen(name, live, noun):
            slugs = set(params.getlist(name))
            for slug in sorted(slug for slug in slugs if not SLUG.fullmatch(slug)):
                problems.append(f"“{slug}” is not a valid {noun} name.")
                slugs.discard(slug)
            found = [item for item in live if item.slug in slugs]
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
        # The live models and topics of the content's generation, as search counts them.
        self.sets = search.facet_sets()
        filters = search.Filters(
            ai_models=chosen("model", self.sets.ai_models, "AI model"),
            topics=chosen("topic", self.sets.topics, "topic"),
            kinds=valid("kind", Kind.values, "kind of publication"),
            labels=valid("label", Label.values, "label"),
            years=[int(year) for year in valid("year", years, "year")],
            related=related == "all",
        )
        return text, filters, problems

    def get_context_data(self, **kwargs):
        query = search.query_parse(self.text)
        results = search.RankedResults(query, self.filters, self.sets)
        page = paginate(self.request, Paginator(results, PAGE_SIZE))
        counts = results.facet_counts()
        quick = search.quick_matches(self.text, query, results.sets) if query else ([], [])
        ai_models, topics = quick
        return super().get_context_data(
            text=self.text,
            query=query,
            page_obj=page,
            facets=self.facets(counts, results.sets),
            quick_models=ai_models,
            quick_topics=topics,
            related=self.filters.related,
            suggested_topics=results.sets.topics if not page.paginator.count else [],
            **kwargs,
        )

    def facets(self, counts, sets):
        """Each facet's values with their counts, chosen ones first; only values with results."""
        params = self.request.GET

        def options(name, values):
            chosen = set(params.getlist(name))
            listed = [
                FacetOption(
                    value,
                    label,
                    counts[name].get(key, 0),
                    value in chosen,
                    self.url_without(name, value) if value in chosen else None,
                )
                for key, value, label in values
                if counts[name].get(key) or value in chosen
            ]
            return sorted(listed, key=lambda option: (not option.chosen, -option.count))

        return [
            (
                "model",
                "AI model",
                options("model", [(m.pk, m.slug, m.name) for m in sets.ai_models]),
            ),
            ("topic", "Topic", options("topic", [(t.pk, t.slug, t.name) for t in sets.topics])),
            ("kind", "Kind", options("kind", [(k, k, label) for k, label in Kind.choices])),
            ("label", "Label", options("label", [(k, k, label) for k, label in Label.choices])),
            (
                "year",
                "Year",
                sorted(
                    options("year", [(y, str(y), str(y)) for y in counts["year"]]),
                    key=lambda option: option.value,
                    reverse=True,
                ),
            ),
        ]

    def url_without(self, name, value):
        params = self.request.GET.copy()
        params.setlist(name, [v for v in params.getlist(name) if v != value])
        params.pop("page", None)
        return f"{self.request.path}?{params.urlencode()}"
