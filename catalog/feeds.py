"""RSS and Atom feeds of live publications: all of them, or one AI model's or topic's."""

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from catalog.models import AIModel, Publication, Topic

FEED_SIZE = 30


class PublicationFeed(Feed):
    title = "Safety Hub: publications"
    description = "System cards, addenda, frameworks and news from the Safety Hub."

    def link(self):
        return reverse("catalog:publication_list")

    def items(self):
        return Publication.objects.live().defer("body")[:FEED_SIZE]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_pubdate(self, item):
        return item.published_at

    def item_categories(self, item):
        return [item.get_kind_display()] + ([item.get_label_display()] if item.label else [])


class AtomPublicationFeed(PublicationFeed):
    feed_type = Atom1Feed
    subtitle = PublicationFeed.description


class AIModelPublicationFeed(PublicationFeed):
    def get_object(self, request, slug):
        return get_object_or_404(AIModel.objects.live(), slug=slug)

    def title(self, obj):
        return f"Safety Hub: publications about {obj.name}"

    def link(self, obj):
        return obj.get_absolute_url()

    def items(self, obj):
        return Publication.objects.live().filter(ai_models=obj).defer("body")[:FEED_SIZE]


class AtomAIModelPublicationFeed(AIModelPublicationFeed):
    feed_type = Atom1Feed
    subtitle = PublicationFeed.description


class TopicPublicationFeed(PublicationFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Topic.objects.live(), slug=slug)

    def title(self, obj):
        return f"Safety Hub: {obj.name}"

    def link(self, obj):
        return obj.get_absolute_url()

    def items(self, obj):
        return Publication.objects.live().filter(topics=obj).defer("body")[:FEED_SIZE]


class AtomTopicPublicationFeed(TopicPublicationFeed):
    feed_type = Atom1Feed
    subtitle = PublicationFeed.description
