"""What staff type reaches readers as the text it is: a feed reader shows a summary's "<img>" as
text rather than making an image of it."""

import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest

from tests.factories import make_model, make_publication, make_topic

pytestmark = pytest.mark.django_db


# Feeds

TITLE = "Card <b>& more"
SUMMARY = "<img src=x onerror=alert(1)>"
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def hostile_feeds():
    """A live card whose title and summary are markup, about a model and a topic named so too."""
    model = make_model(name="o3 <i>&", slug="o3")
    topic = make_topic(name="Bias <i>&", slug="bias")
    card = make_publication(title=TITLE, summary=SUMMARY)
    card.ai_models.add(model)
    card.topics.add(topic)


class ReaderView(HTMLParser):
    """What a feed reader makes of a text it takes as HTML: its elements and the text it shows."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements, self.text = [], ""

    def handle_starttag(self, tag, attrs):
        self.elements.append(tag)

    def handle_data(self, data):
        self.text += data


def shown(element, *, as_html):
    """The text a reader shows for an element of a feed, and the HTML elements it makes of it."""
    if not as_html:
        return element.text or "", []
    view = ReaderView()
    view.feed(element.text or "")
    view.close()
    return view.text, view.elements


def feed_texts(content):
    """The feed's title and each item's title and summary, as a reader shows them.

    RSS readers take titles and descriptions as HTML; Atom says which its texts are, by `type`.
    """
    root = ET.fromstring(content)
    if root.tag == "rss":
        channel = root.find("channel")
        title = shown(channel.find("title"), as_html=True)
        items = [
            (shown(item.find("title"), as_html=True), shown(item.find("description"), as_html=True))
            for item in channel.iter("item")
        ]
    else:

        def atom_shown(element):
            return shown(element, as_html=element.get("type", "text") == "html")

        title = atom_shown(root.find(f"{ATOM}title"))
        items = [
            (atom_shown(entry.find(f"{ATOM}title")), atom_shown(entry.find(f"{ATOM}summary")))
            for entry in root.iter(f"{ATOM}entry")
        ]
    return title, items


@pytest.mark.parametrize(
    "url, feed_title",
    [
        ("/feeds/publications.rss", "Safety Hub: publications"),
        ("/feeds/publications.atom", "Safety Hub: publications"),
        ("/models/o3/feed.rss", "Safety Hub: publications about o3 <i>&"),
        ("/models/o3/feed.atom", "Safety Hub: publications about o3 <i>&"),
        ("/topics/bias/feed.rss", "Safety Hub: Bias <i>&"),
        ("/topics/bias/feed.atom", "Safety Hub: Bias <i>&"),
    ],
)
def test_a_feed_reader_shows_titles_and_summaries_as_the_text_typed(
    client, hostile_feeds, url, feed_title
):
    response = client.get(url)

    title, items = feed_texts(response.content)
    assert response.status_code == 200
    assert title == (feed_title, [])
    assert items == [((TITLE, []), (SUMMARY, []))]


def test_atom_says_its_summaries_are_plain_text(client, hostile_feeds):
    root = ET.fromstring(client.get("/feeds/publications.atom").content)

    assert [summary.get("type") for summary in root.iter(f"{ATOM}summary")] == ["text"]
