"""The demo hub's public pages, one of each type, for tests that hold for every page."""

from catalog.demo_content import hub_content_load
from catalog.models import (
    AIModel,
    Committee,
    Conversation,
    Person,
    Practice,
    Publication,
    Stage,
    Topic,
)
from evaluations.models import Evaluation

LISTS = [
    "/",
    "/publications/",
    "/news/",
    "/models/",
    "/models/?view=timeline",
    "/topics/",
    "/committees/",
    "/people/",
    "/conversations/",
    "/lifecycle/",
    "/search/?q=safety",
    "/evaluations/",
    "/evaluations/compare/",
    "/feeds/publications.rss",
    "/feeds/publications.atom",
    "/sitemap.xml",
    "/sitemap-publications.xml",
    "/robots.txt",
    "/evaluations/results.csv",
]


def public_pages() -> list[str]:
    """Load the demo hub; the address of every list and of one page of each type."""
    hub_content_load()
    model = AIModel.objects.live().first()
    topic = Topic.objects.live().first()
    details = [
        Publication.objects.live().first().get_absolute_url(),
        model.get_absolute_url(),
        f"{model.get_absolute_url()}feed.rss",
        topic.get_absolute_url(),
        f"{topic.get_absolute_url()}feed.atom",
        Committee.objects.live().first().get_absolute_url(),
        Person.objects.first().get_absolute_url(),
        Conversation.objects.live().first().get_absolute_url(),
        Stage.objects.first().get_absolute_url(),
        Practice.objects.first().get_absolute_url(),
        Evaluation.objects.first().get_absolute_url(),
    ]
    return LISTS + details
