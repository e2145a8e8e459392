"""RSS and Atom feeds of live publications: all of them, or one AI model's or topic's.

Django's feed view and generators write the XML; the feed itself is made here from the few
attributes these feeds have, rather than asking each item for every attribute a feed may
have, as Django's get_feed does.
"""

from io import StringIO

from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.contrib.syndication.views import Feed, add_domain
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import escape

from catalog.models import AIModel, Publication, Topic
from pagecache.keys import list_key, surrogate_keys_add

FEED_SIZE = 30
FEED_COLUMNS = ["title", "slug", "kind", "label", "summary", "published_at"]


class WrittenAtOnce:
    """A feed generator that writes its XML into a buffer, then into the response in one piece:
    a response written in hundreds of small pieces turns each into bytes on its own."""

    def write(self, outfile, encoding):
        buffer = StringIO()
        super().write(buffer, encoding)
        outfile.write(buffer.getvalue())


class RssFeed(WrittenAtOnce, Rss201rev2Feed):
    """RSS readers take titles and descriptions as HTML: plain text is escaped once more, as
    Django's own feeds escape titles, so that a reader shows "<b>" rather than bold text."""

    def __init__(self, title, link, description, **kwargs):
        super().__init__(escape(title), link, escape(description), **kwargs)

    def add_item(self, title, link, description, **kwargs):
        super().add_item(escape(title), link, escape(description), **kwargs)


class AtomFeed(WrittenAtOnce, Atom1Feed):
    """Atom says what its texts are: a summary is plain text, like the titles."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, {**item, "description": None})
        if item["description"] is not None:
            handler.addQuickElement("summary", item["description"], {"type": "text"})


class PublicationFeed(Feed):
    feed_type = RssFeed
    description = "System cards, addenda, frameworks and news from the Safety Hub."
    allowed_parameters = set()
    surrogate_keys = [list_key(Publication)]  # what it lists (pagecache.keys)

    def __call__(self, request, *args, **kwargs):
        response = super().__call__(request, *args, **kwargs)
        surrogate_keys_add(response, self.surrogate_keys)
        return response

    def feed_title(self, obj):
        return "Safety Hub: publications"

    def feed_link(self, obj):
        return reverse("catalog:publication_list")

    def items(self, obj):
        return self.publications(obj).only(*FEED_COLUMNS)[:FEED_SIZE]

    def publications(self, obj):
        """The live publications of the feed, newest first."""
        return Publication.objects.live()

    def item_pubdate(self, item):
        return item.published_at  # Django's feed view sets Last-Modified when this exists

    def get_feed(self, obj, request):
        site, secure = get_current_site(request), request.is_secure()
        feed = self.feed_type(
            title=self.feed_title(obj),
            subtitle=self.description if self.feed_type is AtomFeed else None,
            link=add_domain(site.domain, self.feed_link(obj), secure),
            description=self.description,
            language=settings.LANGUAGE_CODE,
            feed_url=add_domain(site.domain, request.path, secure),
        )
        for item in self.items(obj):
            link = add_domain(site.domain, item.get_absolute_url(), secure)
            feed.add_item(
                title=item.title,
                link=link,
                description=item.summary,
                unique_id=link,
                pubdate=item.published_at,
                categories=[
                    item.get_kind_display(),
                    *([item.get_label_display()] if item.label else []),
                ],
            )
        return feed


class AtomPublicationFeed(PublicationFeed):
    feed_type = AtomFeed


class AIModelPublicationFeed(PublicationFeed):
    surrogate_keys = [list_key(Publication), list_key(AIModel)]

    def get_object(self, request, slug):
        return get_object_or_404(AIModel.objects.live(), slug=slug)

    def feed_title(self, obj):
        return f"Safety Hub: publications about {obj.name}"

    def feed_link(self, obj):
        return obj.get_absolute_url()

    def publications(self, obj):
        return obj.publications.live()


class AtomAIModelPublicationFeed(AIModelPublicationFeed):
    feed_type = AtomFeed


class TopicPublicationFeed(PublicationFeed):
    surrogate_keys = [list_key(Publication), list_key(Topic)]

    def get_object(self, request, slug):
        return get_object_or_404(Topic.objects.live(), slug=slug)

    def feed_title(self, obj):
        return f"Safety Hub: {obj.name}"

    def feed_link(self, obj):
        return obj.get_absolute_url()

    def publications(self, obj):
        return obj.publications.live()


class AtomTopicPublicationFeed(TopicPublicationFeed):
    feed_type = AtomFeed
