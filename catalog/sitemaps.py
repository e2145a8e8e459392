from django.contrib.sitemaps import Sitemap
from django.core.paginator import Paginator
from django.db.models import Count, Max
from django.urls import reverse
from django.utils.functional import cached_property

from catalog.cards import fetch
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


class LiveSitemap(Sitemap):
    """Every live object of one model, with its last publication date."""

    model = None
    # Pages of a thousand keep each sitemap request light; the index lists them all.
    limit = 1000

    def items(self):
        return self.model.objects.live().order_by("pk")

    def lastmod(self, item):
        return item.published_at

    @cached_property
    def summary(self):
        """How many live items there are and when the newest was published: the index asks for
        both of every section, which Django's sitemap answers with a query each."""
        return self.model.objects.live().aggregate(count=Count("pk"), latest=Max("published_at"))

    def live_count(self):
        return self.summary["count"]

    def get_latest_lastmod(self):
        return self.summary["latest"]

    @property
    def paginator(self):
        paginator = Paginator(self._items(), self.limit)
        paginator.count = self.live_count()  # a cached property: this is its value
        return paginator


class PublicationSitemap(LiveSitemap):
    model = Publication

    def items(self):
        return super().items().only("slug", "published_at")

    def live_count(self):
        """From the search's sets: counting thousands of live rows took longer than the rest."""
        return facet_sets().live.bit_count()

    def get_latest_lastmod(self):
        """One probe of the date index."""
        newest = self.items().order_by("-published_at")
        return newest.values_list("published_at", flat=True).first()


class InSetsSitemap(LiveSitemap):
    """A section of the live objects the search's sets list (AI models, topics): counted and
    dated from those lists."""

    @cached_property
    def summary(self):
        live = getattr(facet_sets(), self.in_sets)
        return {"count": len(live), "latest": max((o.published_at for o in live), default=None)}


class AIModelSitemap(InSetsSitemap):
    model = AIModel
    in_sets = "ai_models"


class TopicSitemap(InSetsSitemap):
    model = Topic
    in_sets = "topics"


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

    def items(self):
        urls = [slug_urls(viewname) for _, viewname in PAGE_DETAILS]
        pages = [reverse(f"catalog:{name}") for name in PAGE_LISTS]
        return pages + [urls[n](slug) for n, slug in fetch(PAGE_DETAIL_SLUGS)]

    def location(self, item):
        return item


SITEMAPS = {
    "pages": PageSitemap,
    "publications": PublicationSitemap,
    "models": AIModelSitemap,
    "topics": TopicSitemap,
    "committees": CommitteeSitemap,
    "conversations": ConversationSitemap,
}
