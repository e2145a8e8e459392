from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemaps_views
from django.core.paginator import Paginator
from django.db.models import Count, Max
from django.urls import reverse

from catalog.cards import fetch
from catalog.listing import per_generation
from catalog.models import (
    AIModel,
    Committee,
    Conversation,
    Evaluation,
    Person,
    Practice,
    Publication,
    Topic,
    slug_urls,
)
from catalog.search import facet_sets


@per_generation
def live_summaries(sets) -> dict:
    """For each section's model: how many live items there are and when the newest was
    published. The index asks for both of every section, which Django's sitemap answers with a
    query each; these change only with the content, and are read once a generation."""
    summaries = {
        model: model.objects.live().aggregate(count=Count("pk"), latest=Max("published_at"))
        for model in (Committee, Conversation)
    }
    for model, live in [(AIModel, sets.ai_models), (Topic, sets.topics)]:
        latest = max((item.published_at for item in live), default=None)
        summaries[model] = {"count": len(live), "latest": latest}
    newest = Publication.objects.live().order_by("-published_at")
    summaries[Publication] = {
        "count": sets.live.bit_count(),
        "latest": newest.values_list("published_at", flat=True).first(),
    }
    return summaries


class LiveSitemap(Sitemap):
    """Every live object of one model, with its last publication date."""

    model = None
    # Pages of a thousand keep each sitemap request light; the index lists them all.
    limit = 1000

    def __init__(self, sets):
        self.sets = sets

    def items(self):
        return self.model.objects.live().order_by("pk")

    def lastmod(self, item):
        return item.published_at

    def get_latest_lastmod(self):
        return live_summaries(self.sets)[self.model]["latest"]

    @property
    def paginator(self):
        paginator = Paginator(self._items(), self.limit)
        paginator.count = live_summaries(self.sets)[self.model]["count"]  # a cached property
        return paginator


class PublicationSitemap(LiveSitemap):
    model = Publication

    def items(self):
        return super().items().only("slug", "published_at")


class AIModelSitemap(LiveSitemap):
    model = AIModel


class TopicSitemap(LiveSitemap):
    model = Topic


class CommitteeSitemap(LiveSitemap):
    model = Committee


class ConversationSitemap(LiveSitemap):
    model = Conversation


PAGE_LISTS = [
    "hub",
    "publication_list",
    "news_list",
    "model_list",
    "topic_list",
    "committee_list",
    "person_list",
    "conversation_list",
    "stage_list",
    "evaluation_list",
]
PAGE_DETAILS = [
    (Person, "catalog:person_detail"),
    (Practice, "catalog:practice_detail"),
    (Evaluation, "catalog:evaluation_detail"),
]
# Their slugs, in one written-out query rather than an ORM query each.
PAGE_DETAIL_SLUGS = (
    " UNION ALL ".join(
        f"SELECT {n}, slug FROM {model._meta.db_table}" for n, (model, _) in enumerate(PAGE_DETAILS)
    )
    + " ORDER BY 1, 2"
)


class PageSitemap(Sitemap):
    """The hub, the indexes, people, the lifecycle and the evaluations: pages without a status
    of their own."""

    def __init__(self, sets):
        pass

    def items(self):
        urls = [slug_urls(viewname) for _, viewname in PAGE_DETAILS]
        pages = [reverse(f"catalog:{name}") for name in PAGE_LISTS]
        return pages + [urls[n](slug) for n, slug in fetch(PAGE_DETAIL_SLUGS)]

    def location(self, item):
        return item


SECTIONS = {
    "pages": PageSitemap,
    "publications": PublicationSitemap,
    "models": AIModelSitemap,
    "topics": TopicSitemap,
    "committees": CommitteeSitemap,
    "conversations": ConversationSitemap,
}


def sections():
    """This request's sitemap sections, sharing the generation's sets (read once a request)."""
    sets = facet_sets()
    return {name: section(sets) for name, section in SECTIONS.items()}


def sitemap_index(request):
    return sitemaps_views.index(request, sections(), sitemap_url_name="catalog:sitemap_section")


def sitemap(request, section):
    return sitemaps_views.sitemap(request, sections(), section=section)
