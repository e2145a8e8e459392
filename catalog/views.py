import re

from django.core.paginator import InvalidPage, Paginator
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.cache import patch_cache_control
from django.utils.csp import build_policy
from django.views.generic import DetailView, ListView, TemplateView, View

from catalog.filters import NewsFilter, PublicationFilter, form_problems, query_problems
from catalog.models import (
    AIModel,
    Committee,
    Conversation,
    HubPage,
    Kind,
    Membership,
    ModelLineage,
    Person,
    Practice,
    Publication,
    Stage,
    Topic,
)
from editorial.workflow import is_live, state_description
from pagecache.keys import list_key
from uploads.documents import DOCUMENT_CSP

PAGE_SIZE = 20
RELATED_COUNT = 4
SLUG = re.compile(r"[-\w]+")


class BadQuery(Exception):
    def __init__(self, problems):
        super().__init__(problems)
        self.problems = problems


class StrictQueryMixin:
    """Pages read the parameters they name in `allowed_parameters` and ignore any other (a
    shared link's `?utm_source=…`); a value they cannot use gets a 400 saying what is wrong."""

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
    allowed_parameters = {"page", *PublicationFilter.base_filters}
    template_name = "catalog/publication_list.html"


class NewsListView(FilteredListView):
    filterset_class = NewsFilter
    allowed_parameters = {"page", *NewsFilter.base_filters}
    template_name = "catalog/news_list.html"

    def get_queryset(self):
        return Publication.objects.live().filter(kind=Kind.NEWS)


class HubView(TemplateView):
    template_name = "catalog/hub.html"
    allowed_parameters = set()
    surrogate_keys = [list_key(HubPage)]  # the hub's page, before an editor makes it

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


class RobotsView(TemplateView):
    template_name = "robots.txt"
    content_type = "text/plain"
    allowed_parameters = set()


class PublicationDetailView(LiveOrPreviewMixin, DetailView):
    model = Publication
    allowed_parameters = set()

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
            .filter(Exists(model.publications.live().filter(topics=OuterRef("pk"))))
            .defer("body", "body_html"),
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
    allowed_parameters = set()

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
    allowed_parameters = set()


class StageListView(StrictQueryMixin, ListView):
    queryset = Stage.objects.prefetch_related("practices")


class StageDetailView(DetailView):
    queryset = Stage.objects.prefetch_related("practices")
    allowed_parameters = set()


class PracticeDetailView(PublicationPagesMixin, StrictQueryMixin, DetailView):
    queryset = Practice.objects.select_related("stage")

    def get_publications(self):
        return self.object.publications.live()
