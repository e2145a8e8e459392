"""Searches a visitor would make over the demo content, each with the page they want near the top.

"Near the top" is among the first two best matches (AI models, topics, people, …) or the
first three publications.
"""

import html
import re
from io import StringIO

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db

# (what the visitor types, the page they want: a publication's title or a best match's name)
SEARCHES = [
    ("o3", "OpenAI o3 and o4-mini System Card"),
    ("o3", "o3"),
    ("GPT 5", "GPT-5 System Card"),
    ("GPT 5", "GPT-5"),
    ("gpt5", "GPT-5 System Card"),
    ("gpt-5", "GPT-5 System Card"),
    ("o4 mini", "o4-mini"),
    ("o4 mini", "OpenAI o3 and o4-mini System Card"),
    ("gpt-4.5", "GPT-4.5 System Card"),
    ("GPT 4.5 system card", "GPT-4.5 System Card"),
    ("gpt-4o", "GPT-4o System Card"),
    ("gpt 4o image generation", "Addendum to GPT-4o System Card: 4o image generation"),
    ("o1", "OpenAI o1 System Card"),
    ("system card for o1", "OpenAI o1 System Card"),
    ("o3-mini", "OpenAI o3-mini System Card"),
    ("sora", "Sora System Card"),
    ("sora 2", "Sora 2 System Card"),
    ("dall-e 3", "DALL·E 3 System Card"),
    ("operator", "Operator System Card"),
    ("deep research", "Deep research System Card"),
    ("codex", "Addendum to GPT-5 system card: GPT-5-Codex"),
    ("gpt-5 codex", "GPT-5-Codex"),
    ("o3 operator", "Addendum to OpenAI o3 and o4-mini system card: OpenAI o3 Operator"),
    ("preparedness framework", "Preparedness Framework"),
    ("preparednes", "Preparedness Framework"),
    ("privacy", "Private information"),
    ("private information", "Private information"),
    ("deepfakes", "Deep fakes"),
    ("deep fakes", "Deep fakes"),
    ("child safety", "Child safety"),
    ("parental controls", "Introducing parental controls"),
    ("bias", "Bias"),
    ("elections", "Elections"),
    ("elecions", "Elections"),
    ("red teaming", "Red teaming"),
    ("safety and security committee", "Safety and Security Committee"),
    ("safety advisory group", "Safety Advisory Group"),
    ("Zico Kolter", "Zico Kolter"),
    ("Paul Nakasone", "Paul Nakasone"),
    ("nicole seligman", "Nicole Seligman"),
    ("StrongReject", "StrongReject"),
    ("jailbreaks", "Human-sourced jailbreaks"),
    ("simpleqa", "SimpleQA"),
    ("refusal", "Standard Refusal Evaluation"),
    ("instruction hierarchy", "System <> Developer message conflict"),
    ("where is AI going", "Where is AI going?"),
    ("teaching chatgpt good behavior", "Teaching ChatGPT Good Behavior"),
    ("deceptive uses", "An update on disrupting deceptive uses of AI"),
    ("misuse", "An update on disrupting deceptive uses of AI"),
    ("product safety standards", "Product Safety Standards"),
    ("safety practices", "OpenAI safety practices"),
    ("filter data", "Filter data"),
    ("human values", "Human values"),
    ("how do you test models", "Test"),
]


def near_the_top(html):
    best = re.findall(
        r'<span class="best-match-kind">[^<]*</span>\s*<a href="[^"]*">(.*?)</a>', html
    )
    publications = re.findall(r'<h3><a href="/publications/[^"]+/">(.*?)</a></h3>', html)
    return [*best[:2], *publications[:3]]


def test_every_search_finds_the_page_the_visitor_wants_near_the_top(client):
    call_command("load_hub", stdout=StringIO())

    misses = {}
    for text, wanted in SEARCHES:
        response = client.get("/search/", {"q": text})
        found = [html.unescape(title) for title in near_the_top(response.content.decode())]
        if wanted not in found:
            misses[text] = (wanted, found)

    assert len(SEARCHES) >= 40
    assert not misses, misses


def test_a_card_about_exactly_the_searched_model_comes_before_its_addenda(client):
    call_command("load_hub", stdout=StringIO())

    html = client.get("/search/", {"q": "o3"}).content.decode()

    first = re.findall(r'<h3><a href="/publications/[^"]+/">(.*?)</a></h3>', html)[0]
    assert first == "OpenAI o3 and o4-mini System Card"


def test_gpt_5_written_with_a_space_finds_gpt_5_and_not_gpt_4_5(client):
    call_command("load_hub", stdout=StringIO())

    html = client.get("/search/", {"q": "GPT 5"}).content.decode()

    titles = re.findall(r'<h3><a href="/publications/[^"]+/">(.*?)</a></h3>', html)
    assert titles[0] == "GPT-5 System Card"
    assert "GPT-4.5 System Card" not in titles
