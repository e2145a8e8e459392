"""Tolerant addresses: a shared link's `?utm_source=…`, `?fbclid=…` or `?ref=…` opens the page it
names, as it is without them; only a bad value of a parameter the page takes is refused."""

import re

import pytest

from tests.factories import make_model, make_publication
from tests.public_pages import public_pages

pytestmark = pytest.mark.django_db

TRACKING = "utm_source=newsletter&utm_medium=email&fbclid=IwAR0x&ref=hn&gclid=abc"


def with_tracking(url: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}{TRACKING}"


def canonical(response) -> str | None:
    found = re.search(r'<link rel="canonical" href="([^"]*)"', response.content.decode())
    return found and found.group(1)


def test_every_page_ignores_parameters_it_does_not_take(client):
    for url in public_pages():
        plain = client.get(url)

        tracked = client.get(with_tracking(url))

        assert tracked.status_code == 200, url
        assert tracked.content == plain.content, url  # same page: no link carries them on
        assert tracked["X-Page-Cache"] == "hit", url  # and the same cached copy


def test_the_canonical_link_leaves_them_out(client):
    card = make_publication(title="Card", slug="card")

    response = client.get(f"{card.get_absolute_url()}?{TRACKING}")

    assert canonical(response) == "http://testserver/publications/card/"


def test_a_known_parameter_still_works_beside_unknown_ones(client):
    make_publication(title="Newsy item", kind="news", label="safety")
    make_publication(title="Carded item", kind="system_card")

    html = client.get(f"/publications/?kind=news&{TRACKING}").content

    assert b"Newsy item" in html and b"Carded item" not in html
    assert b"Clear filters" in html and b"utm_source" not in html


def test_unknown_parameters_alone_leave_the_page_unfiltered(client):
    make_publication(title="Card")

    html = client.get(f"/publications/?{TRACKING}").content

    assert b"Card" in html and b"Clear filters" not in html


def test_the_cache_key_ignores_unknown_parameters_and_orders_known_ones(client):
    make_publication(title="News item", kind="news", label="safety")
    assert client.get("/publications/?kind=news&label=safety")["X-Page-Cache"] == "miss"

    for query in ["label=safety&kind=news", f"{TRACKING}&label=safety&kind=news"]:
        assert client.get(f"/publications/?{query}")["X-Page-Cache"] == "hit", query


def test_the_order_of_repeated_values_still_counts(client):
    """A comparison shows its models in the order the address names them."""
    make_model(name="o3", slug="o3")
    make_model(name="o4-mini", slug="o4-mini")
    client.get("/evaluations/compare/?models=o3&models=o4-mini")

    response = client.get("/evaluations/compare/?models=o4-mini&models=o3")

    assert response["X-Page-Cache"] == "miss"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/publications/?kind=nonsense&utm_source=x", "Select a valid choice"),
        ("/publications/?kind=news&kind=system_card", "Give “kind” once"),
        ("/news/?year=1999&fbclid=x", "Select a valid choice"),
        ("/models/?view=grid&ref=x", "“view” is “families” or “timeline”, not “grid”"),
        ("/evaluations/compare/?models=nobody&utm_source=x", "nobody"),
        ("/search/?kind=nonsense&utm_source=x", "“nonsense” is not a kind of publication"),
        (f"/search/?q={'x' * 1001}", "Search text is limited to"),
    ],
)
def test_a_bad_value_of_a_known_parameter_still_gets_a_clear_400(client, url, message):
    response = client.get(url)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert "public" not in response["Cache-Control"]
