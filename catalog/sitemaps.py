from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from catalog.models import (
    AIModel,
    Committee,
    Conversation,
    Evaluation,
    Person,
    Practice,
    Publication,
    Topic,
)


class LiveSitemap(Sitemap):
    """Every live object of one model, with its last publication date."""

    model = None
    # Pages of a thousand keep each sitemap request light; the index lists them all.
    limit = 1000

    def items(self):
        return self.model.objects.live().order_by("pk")

    def lastmod(self, item):
        return item.published_at

    def get_latest_lastmod(self):
        """For the index: one indexed probe, not a walk over every item."""
        return self.items().order_by("-published_at").values_list("published_at", flat=True).first()


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


class PageSitemap(Sitemap):
    """The hub, the indexes, people, the lifecycle and the evaluations: pages without a status
    of their own."""

    def items(self):
        names = ["hub", "publication_list", "news_list", "model_list", "topic_list"]
        names += ["committee_list", "person_list", "conversation_list", "stage_list"]
        names += ["evaluation_list"]
        pages = [reverse(f"catalog:{name}") for name in names]
        pages += [person.get_absolute_url() for person in Person.objects.only("slug")]
        pages += [practice.get_absolute_url() for practice in Practice.objects.only("slug")]
        pages += [evaluation.get_absolute_url() for evaluation in Evaluation.objects.only("slug")]
        return pages

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
