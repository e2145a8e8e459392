import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from django.core.paginator import InvalidPage, Paginator
from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.cache import patch_cache_control
from django.utils.csp import build_policy
from django.utils.functional import cached_property
from django.views.generic import DetailView, ListView, TemplateView, View

from catalog import search
from catalog.cards import (
    Link,
    by_name,
    card_rows,
    cards_with_models,
    fetch,
    links,
    live_publication_cards,
    publication_cards,
)
from catalog.charts import BarChart, bar_chart
from catalog.documents import DOCUMENT_CSP
from catalog.filters import NewsFilter, PublicationFilter, form_problems, query_problems
from catalog.listing import (
    CardPaginator,
    link_sets,
    linked_in_sets,
    live_addenda_keys,
    live_committee_columns,
    live_committee_links,
    live_count,
    live_publication_columns,
    live_sourced,
    live_with,
    per_generation,
    practice_links,
    related_keys,
)
from catalog.models import (
    AIModel,
    Committee,
    Conversation,
    Determination,
    Evaluation,
    EvaluationCategory,
    FrameworkVersion,
    HubFeature,
    HubPage,
    Kind,
    Label,
    Membership,
    Metric,
    Modality,
    ModelLineage,
    Person,
    Practice,
    Publication,
    Relation,
    Result,
    RiskKind,
    Stage,
    Topic,
    is_live_q,
    slug_urls,
)
from catalog.tables import (
    DETERMINATION_COLUMNS,
    RESULT_COLUMNS,
    determination_rows,
    result_rows,
    table_response,
)
from editorial.workflow import is_live, state_description

PAGE_SIZE = 20
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


class GenerationSetsMixin:
    @cached_property
    def sets(self):
        """The search's sets of the content's current generation, read once a request."""
        return search.facet_sets()


class PaginatedDetailView(GenerationSetsMixin, StrictQueryMixin, DetailView):
    """A detail page with a paginated list of the live publications linked to it."""

    def get_publication_set(self) -> int:
        """The live publications linked to the object, as a set."""
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        paginator = CardPaginator(self.get_publication_set(), PAGE_SIZE, sets=self.sets)
        page = paginate(self.request, paginator)
        return super().get_context_data(page_obj=page, publications=page.object_list, **kwargs)


class FilteredListView(StrictQueryMixin, ListView):
    """A list narrowed by a django-filter FilterSet whose values live in the query string."""

    filterset_class = None
    paginate_by = PAGE_SIZE
    paginator_class = CardPaginator

    def get(self, request, *args, **kwargs):
        self.filterset = self.filterset_class(request.GET, queryset=live_publication_cards())
        self.allowed_parameters = {"page", *self.filterset.filters}
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        """The unfiltered list; the filter set's paginator reads the filtered page its own way."""
        if not self.filterset.is_valid():
            raise BadQuery(form_problems(self.filterset.form))
        return self.filterset.queryset

    def get_paginator(self, queryset, per_page, **kwargs):
        return self.filterset.paginator(per_page, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(filter=self.filterset, **kwargs)


class HubView(GenerationSetsMixin, TemplateView):
    template_name = "catalog/hub.html"

    def get_context_data(self, **kwargs):
        content = hub_content(self.sets)
        context = super().get_context_data(hub=content.hub, **kwargs)
        if content.hub is None:
            return context
        context.update(
            stages=content.stages,
            topics=[topic for topic in self.sets.topics if topic.featured],
            conversations=content.conversations,
            news=content.news,
            features=content.features,
        )
        return context


class HubContent(NamedTuple):
    """What the hub shows besides the topics, as read for a generation of the content."""

    hub: HubPage | None
    stages: list
    conversations: list
    news: list
    features: list


@per_generation
def hub_content(sets) -> HubContent:
    """The hub page and its lists, read on the first request of a generation: every edit, and
    every scheduled item going live, starts a new one, so none of them can be stale or early,
    and the hub's other requests make no query but the generation's."""
    hub = HubPage.objects.first()
    if hub is None:
        return HubContent(None, [], [], [], [])
    news = sets.newest_first(live_with(sets, kind=Kind.NEWS), 0, hub.news_count)
    return HubContent(
        hub,
        stages=lifecycle_stages(),
        conversations=list(Conversation.objects.live()),
        news=publication_cards(card_rows(news)),
        features=hub_features(hub, sets),
    )


class StageEntry(NamedTuple):
    """A stage of the lifecycle with its practices, as the hub shows them."""

    name: str
    url: str
    summary: str
    practices: list


STAGES_WITH_PRACTICES = (
    f"SELECT stage.id, stage.name, stage.slug, stage.summary, practice.name, practice.slug "
    f"FROM {Stage._meta.db_table} stage "
    f"LEFT JOIN {Practice._meta.db_table} practice ON practice.stage_id = stage.id "
    "ORDER BY stage.position, stage.name, stage.id, practice.position, practice.name"
)


def lifecycle_stages() -> list[StageEntry]:
    """The stages in order, each with its practices in order: one written-out query."""
    stage_url, practice_url = (
        slug_urls("catalog:stage_detail"),
        slug_urls("catalog:practice_detail"),
    )
    stages = {}
    for pk, name, slug, summary, practice, practice_slug in fetch(STAGES_WITH_PRACTICES):
        if pk not in stages:
            stages[pk] = StageEntry(name, stage_url(slug), summary, [])
        if practice_slug is not None:
            stages[pk].practices.append(Link(practice, practice_url(practice_slug)))
    return list(stages.values())


class HubCard(NamedTuple):
    """A card of the hub's "Go deeper" list: a publication (with its parent card, if live) or
    a committee."""

    title: str
    url: str
    summary: str
    parent: Link | None


HUB_FEATURES = (
    f"SELECT publication_id, committee_id FROM {HubFeature._meta.db_table} "
    "WHERE hub_id = %s ORDER BY position, id"
)


def hub_features(hub, sets) -> list[HubCard]:
    """The live items of the "Go deeper" list, in the editors' order: a few written-out
    queries of their columns, the publications' liveness read off the generation's set."""
    features = fetch(HUB_FEATURES, [hub.pk])
    publications = live_publication_columns(sets, [pk for pk, _ in features if pk])
    committees = live_committee_columns([pk for _, pk in features if pk])
    publication_url = slug_urls("catalog:publication_detail")
    committee_url = slug_urls("catalog:committee_detail")
    cards = []
    for publication, committee in features:
        if publication in publications:
            title, slug, summary, parent = publications[publication]
            link = None
            if parent in publications:
                link = Link(publications[parent][0], publication_url(publications[parent][1]))
            cards.append(HubCard(title, publication_url(slug), summary, link))
        elif committee in committees:
            name, slug, mandate = committees[committee]
            cards.append(HubCard(name, committee_url(slug), mandate, None))
    return cards


class PublicationListView(FilteredListView):
    filterset_class = PublicationFilter
    template_name = "catalog/publication_list.html"


class NewsListView(FilteredListView):
    filterset_class = NewsFilter
    template_name = "catalog/news_list.html"


class PublicationDetailView(GenerationSetsMixin, LiveOrPreviewMixin, DetailView):
    queryset = Publication.objects.all()

    def get_context_data(self, **kwargs):
        publication = self.object
        sets = self.sets
        sourced = live_sourced(sets)
        ai_models = linked_in_sets(sets, "model", sets.ai_models, publication.pk)
        topics = linked_in_sets(sets, "topic", sets.topics, publication.pk)
        addenda = live_addenda_keys(sets, publication)
        related = related_keys(sets, publication, ai_models, topics, leave_out=addenda)
        parent = publication.parent_id
        live_parent = [parent] if parent and sets.live >> parent & 1 else []
        # The parent, addenda and related publications as cards, read in one query.
        rows = card_rows(live_parent + addenda + related)
        cards = {card.pk: card for card in cards_with_models(rows, sets)}
        evaluations = []
        if publication.pk in sourced.result_sources:
            evaluations = (
                Result.objects.live()
                .filter(source=publication)
                .order_by(*EVALUATION_ORDER)
                .values_list("evaluation__name", "evaluation__slug")
                .distinct()
            )
        determinations = []
        if publication.pk in sourced.determination_sources:
            determinations = live_determinations().filter(source=publication)
        return super().get_context_data(
            parent=cards.get(publication.parent_id),
            addenda=[cards[pk] for pk in addenda if pk in cards],
            ai_models=ai_models,
            topics=topics,
            practices=practice_links(sets, publication),
            committees=live_committee_links(sets, publication),
            related=[cards[pk] for pk in related if pk in cards],
            evaluations=links(evaluations, "catalog:evaluation_detail"),
            determinations=determinations,
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
        columns = ["pk", "name", "slug", "modality", "release_date"]
        live = AIModel.objects.live().values_list(*columns)
        if view == "timeline":
            return model_entries(live.order_by("-release_date", "name"))
        families = model_entries(live.filter(family__isnull=True).order_by("name"))
        by_pk = {family.pk: family for family in families}
        members = (
            AIModel.objects.live()
            .filter(family__in=list(by_pk))
            .order_by("release_date", "name")
            .values_list("family_id", *columns)
        )
        entries = model_entries(member[1:] for member in members)
        for (family_pk, *_), entry in zip(members, entries, strict=True):
            by_pk[family_pk].live_members.append(entry)
        return families

    def get_context_data(self, **kwargs):
        return super().get_context_data(view=self.view, **kwargs)


class ModelEntry(NamedTuple):
    """An AI model as the model index lists it, read as columns."""

    pk: int
    name: str
    url: str
    modality_display: str
    release_date: date | None
    live_members: list


MODALITY_LABELS = dict(Modality.choices)


def model_entries(rows) -> list[ModelEntry]:
    url = slug_urls("catalog:model_detail")
    return [
        ModelEntry(pk, name, url(slug), MODALITY_LABELS.get(modality, modality), released, [])
        for pk, name, slug, modality, released in rows
    ]


class AIModelDetailView(LiveOrPreviewMixin, PaginatedDetailView):
    queryset = AIModel.objects.all()
    context_object_name = "ai_model"
    template_name = "catalog/aimodel_detail.html"

    def get_publication_set(self):
        return live_with(self.sets, model=self.object.pk)

    def get_context_data(self, **kwargs):
        model = self.object
        sourced = live_sourced(self.sets)
        # Family and lineage are read as keys; the live ones are among the search's sets' models.
        live_models = {live.pk: live for live in self.sets.ai_models}
        members = [pk for (pk,) in fetch(FAMILY_MEMBERS, [model.pk])]
        steps = fetch(LINEAGE, [model.pk, model.pk])
        lineage = []
        for model_pk, relation, source_pk, note in steps:
            based_on = model_pk == model.pk
            other = live_models.get(source_pk if based_on else model_pk)
            if other:
                lineage.append(LineageStep(other, RELATION_LABELS[relation], note, based_on))
        lineage.sort(key=lambda step: (step.relation, step.model.name))
        live_self = live_models.get(model.pk)
        return super().get_context_data(
            aliases=live_self.aliases.all() if live_self else model.aliases.all(),
            family=live_models.get(model.family_id),
            family_members=sorted(
                (live_models[pk] for pk in members if pk in live_models), key=by_name
            ),
            based_on=[step for step in lineage if step.based_on],
            derived=[step for step in lineage if not step.based_on],
            topics=topics_of_model(self.sets, model),
            results=live_results().filter(ai_model=model)
            if model.pk in sourced.result_models
            else [],
            determinations=live_determinations().filter(ai_model=model)
            if model.pk in sourced.determination_models
            else [],
            **kwargs,
        )


# Keys only, written out: the ORM took several times as long to build these as to run them.
FAMILY_MEMBERS = f"SELECT id FROM {AIModel._meta.db_table} WHERE family_id = %s"
LINEAGE = (
    f"SELECT model_id, relation, source_id, note FROM {ModelLineage._meta.db_table} "
    "WHERE model_id = %s OR source_id = %s"
)


class LineageStep(NamedTuple):
    """One step of a model's lineage, seen from the model's page: the other model, how they are
    related ("is based on"), and whether this model is the later one."""

    model: AIModel
    relation: str
    note: str
    based_on: bool


RELATION_LABELS = dict(Relation.choices)


class TopicCount(NamedTuple):
    topic: Topic
    publication_count: int


def topics_of_model(sets, model):
    """The live topics of the live publications about an AI model, from the search's sets."""
    about = sets.live & sets.values["model"].get(model.pk, 0)
    return [topic for topic in sets.topics if about & sets.values["topic"].get(topic.pk, 0)]


class TopicListView(StrictQueryMixin, ListView):
    paginate_by = PAGE_SIZE
    template_name = "catalog/topic_list.html"

    def get_queryset(self):
        """The live topics, in order, with their counts: all from the search's sets."""
        sets = search.facet_sets()
        return [
            TopicCount(topic, live_count(sets, topic=topic.pk))
            for topic in sorted(sets.topics, key=lambda topic: (topic.position, topic.name))
        ]


class TopicDetailView(LiveOrPreviewMixin, PaginatedDetailView):
    queryset = Topic.objects.all()

    def get_publication_set(self):
        return live_with(self.sets, topic=self.object.pk)


class CommitteeListView(StrictQueryMixin, ListView):
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        return (
            Committee.objects.live()
            .annotate(member_count=Count("members", distinct=True))
            .order_by("name")
        )


class CommitteeDetailView(LiveOrPreviewMixin, PaginatedDetailView):
    queryset = Committee.objects.all()

    def get_publication_set(self):
        return link_sets(self.sets).committees.get(self.object.pk, 0) & self.sets.live

    def get_context_data(self, **kwargs):
        determinations = []
        if self.object.pk in live_sourced(self.sets).determination_committees:
            determinations = live_determinations().filter(committee=self.object)
        rows = fetch(COMMITTEE_MEMBERS, [self.object.pk])
        url = slug_urls("catalog:person_detail")
        return super().get_context_data(
            memberships=[
                Member(Link(name, url(slug)), role, start, end)
                for name, slug, role, start, end in rows
            ],
            determinations=determinations,
            **kwargs,
        )


COMMITTEE_MEMBERS = (
    "SELECT person.name, person.slug, member.role, member.term_start, member.term_end "
    f"FROM {Membership._meta.db_table} member "
    f"JOIN {Person._meta.db_table} person ON person.id = member.person_id "
    "WHERE member.committee_id = %s ORDER BY member.position, person.name"
)


class Member(NamedTuple):
    """A committee's member as its page lists them, read as columns."""

    person: Link
    role: str
    term_start: date | None
    term_end: date | None


class PeopleLinks(NamedTuple):
    """Each person's roles on live committees, as (role, committee link) in the committees'
    order, and the live conversations they speak in, in the conversations' order."""

    roles: dict
    conversations: dict


@per_generation
def people_links(sets) -> PeopleLinks:
    """Read once a generation: a person's page otherwise built two queries through four tables."""
    memberships = (
        Membership.objects.filter(is_live_q("committee__"))
        .order_by("position", "pk")
        .values_list("person_id", "role", "committee__name", "committee__slug")
    )
    committee_url = slug_urls("catalog:committee_detail")
    roles = defaultdict(list)
    for person, role, name, slug in memberships:
        roles[person].append((role, Link(name, committee_url(slug))))
    speakers = (
        Conversation.speakers.through.objects.filter(is_live_q("conversation__"))
        .order_by("conversation__position", "-conversation__published_at", "conversation__pk")
        .values_list("person_id", "conversation__title", "conversation__slug")
    )
    conversation_url = slug_urls("catalog:conversation_detail")
    conversations = defaultdict(list)
    for person, title, slug in speakers:
        conversations[person].append(Link(title, conversation_url(slug)))
    return PeopleLinks(dict(roles), dict(conversations))


class PersonListView(GenerationSetsMixin, StrictQueryMixin, ListView):
    paginate_by = PAGE_SIZE
    queryset = Person.objects.all()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        people = list(context["object_list"])
        roles = people_links(self.sets).roles
        for person in people:
            person.live_roles = roles.get(person.pk, [])
        return {**context, "object_list": people}


class PersonDetailView(GenerationSetsMixin, DetailView):
    queryset = Person.objects.all()

    def get_context_data(self, **kwargs):
        found = people_links(self.sets)
        return super().get_context_data(
            roles=found.roles.get(self.object.pk, []),
            conversations=found.conversations.get(self.object.pk, []),
            **kwargs,
        )


class ConversationListView(StrictQueryMixin, ListView):
    paginate_by = PAGE_SIZE
    queryset = Conversation.objects.live().prefetch_related("speakers")


class ConversationDetailView(LiveOrPreviewMixin, DetailView):
    queryset = Conversation.objects.prefetch_related("speakers")


class StageListView(StrictQueryMixin, ListView):
    queryset = Stage.objects.prefetch_related("practices")


class StageDetailView(DetailView):
    queryset = Stage.objects.prefetch_related("practices")


class PracticeDetailView(PaginatedDetailView):
    queryset = Practice.objects.select_related("stage")

    def get_publication_set(self):
        return link_sets(self.sets).practices.get(self.object.pk, 0) & self.sets.live


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
