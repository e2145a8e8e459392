from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemaps_views
from django.core.paginator import Paginator
from django.db.models import Count, Max
from django.urls import reverse
from django.utils.functional import cached_property

from catalog.models import (
    AIModel,
    Committee,
    Conversation,
    Person,
    Practice,
    Publication,
    Topic,
)
from pagecache.keys import list_key, surrogate_keys_add


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
        """How many live items there are and when the newest was published, in one query:
        Django's own sitemap would read every item for the date."""
        return self.model.objects.live().aggregate(count=Count("pk"), latest=Max("published_at"))

    def get_latest_lastmod(self):
        return self.summary["latest"]

    @property
    def paginator(self):
        paginator = Paginator(self._items(), self.limit)
        paginator.count = self.summary["count"]  # a cached property: this is its value
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
]


class PageSitemap(Sitemap):
    """The hub, the indexes, people and the lifecycle: pages without a status of their own."""

    models = [Person, Practice]  # what it lists, for its surrogate keys

    def items(self):
        pages = [reverse(f"catalog:{name}") for name in PAGE_LISTS]
        for model in (Person, Practice):
            pages += [
                item.get_absolute_url() for item in model.objects.only("slug").order_by("slug")
            ]
        return pages

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


def listed_keys(sections) -> list[str]:
    """The surrogate keys of what the sections list: a sitemap changes with those lists."""
    return [
        list_key(model)
        for section in sections.values()
        for model in (section.models if hasattr(section, "models") else [section.model])
    ]


def sitemap_index(request, sections):
    """The index of `sections` (name: Sitemap class), made afresh for this request."""
    sitemaps = {name: section() for name, section in sections.items()}
    response = sitemaps_views.index(request, sitemaps, sitemap_url_name="sitemap_section")
    surrogate_keys_add(response, listed_keys(sections))
    return response


sitemap_index.allowed_parameters = set()  # see pagecache.middleware.known_parameters


def sitemap(request, section, sections):
    sitemaps = {name: sitemap() for name, sitemap in sections.items()}
    response = sitemaps_views.sitemap(request, sitemaps, section=section)
    surrogate_keys_add(response, listed_keys({section: sections[section]}))
    return response


sitemap.allowed_parameters = {"p"}  # the page of a long section
