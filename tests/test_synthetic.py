"""The synthetic data set that benchmarks and large-data tests are built on."""

import statistics
from io import StringIO

import pytest
from django.utils import timezone

from bench.synthetic import main, synthetic_content_generate
from catalog.demo_content import hub_content_load
from catalog.models import (
    AIModel,
    AIModelAlias,
    Committee,
    Kind,
    Membership,
    ModelLineage,
    Person,
    Practice,
    Publication,
    Stage,
    Status,
    Topic,
)

pytestmark = pytest.mark.django_db

COUNTED = [AIModel, AIModelAlias, ModelLineage, Topic, Stage, Practice, Committee, Person]
COUNTED += [Membership, Publication, Publication.ai_models.through, Publication.topics.through]


def row_counts():
    return {model.__name__: model.objects.count() for model in COUNTED}


@pytest.fixture
def generated():
    return synthetic_content_generate(publications=300)


def test_it_makes_the_publications_asked_with_models_topics_and_committees(generated):
    assert generated["created"] == 300
    assert Publication.objects.filter(slug__startswith="synthetic-").count() == 300
    assert AIModel.objects.count() == 40
    assert AIModel.objects.filter(family__isnull=True).count() == 8
    assert AIModelAlias.objects.exists() and ModelLineage.objects.exists()
    assert Topic.objects.count() == 12
    assert Committee.objects.count() == 5
    assert Membership.objects.count() >= 5 * 4
    for publication in Publication.objects.prefetch_related("ai_models", "topics", "practices"):
        assert 1 <= len(publication.ai_models.all()) <= 3
        assert len(publication.topics.all()) <= 2
        assert len(publication.practices.all()) <= 2


def test_every_kind_is_there_in_plausible_proportions(generated):
    kinds = {kind: Publication.objects.filter(kind=kind).count() for kind in Kind.values}

    assert all(count for kind, count in kinds.items() if kind != Kind.FRAMEWORK)
    assert kinds[Kind.NEWS] > kinds[Kind.SYSTEM_CARD] > kinds[Kind.POLICY]
    assert not Publication.objects.filter(kind=Kind.NEWS, label="").exists()


def test_every_addendum_adds_to_a_system_card_and_names_it(generated):
    addenda = Publication.objects.filter(kind=Kind.ADDENDUM).select_related("parent")

    assert addenda.exists()
    for addendum in addenda:
        assert addendum.parent.kind == Kind.SYSTEM_CARD
        assert addendum.title.startswith(f"Addendum to {addendum.parent.title}: ")


def test_system_card_titles_name_their_model(generated):
    for card in Publication.objects.filter(kind=Kind.SYSTEM_CARD).prefetch_related("ai_models"):
        assert card.title.removesuffix(" System Card") in {m.name for m in card.ai_models.all()}


def test_some_are_drafts_or_scheduled_and_live_leaves_them_out(generated):
    hidden = Publication.objects.exclude(status=Status.PUBLISHED)
    scheduled = Publication.objects.filter(published_at__gt=timezone.now())

    assert hidden.exists() and scheduled.exists()
    live = Publication.objects.live()
    assert not live.filter(pk__in=hidden).exists()
    assert not live.filter(pk__in=scheduled).exists()
    assert live.count() > 0.9 * 300


def test_bodies_are_markdown_of_a_realistic_length(generated):
    bodies = list(Publication.objects.values_list("body", flat=True))
    words = [len(body.split()) for body in bodies]

    assert min(words) >= 150
    assert 300 < statistics.median(words) < 3000
    assert max(words) > 2000
    assert all(body.startswith("## ") for body in bodies)
    assert any("\n- " in body for body in bodies)


def test_running_it_again_adds_nothing(generated):
    before = row_counts()

    again = synthetic_content_generate(publications=300)

    assert again["created"] == 0
    assert again["existing"] == 300
    assert row_counts() == before


def test_asking_for_more_tops_up_and_keeps_the_first_ones():
    synthetic_content_generate(publications=100)
    first = dict(Publication.objects.values_list("slug", "title"))

    topped_up = synthetic_content_generate(publications=250)

    assert topped_up["created"] == 150
    assert dict(Publication.objects.filter(slug__in=first).values_list("slug", "title")) == first


def test_the_same_seed_gives_the_same_publications():
    synthetic_content_generate(publications=120, seed=7)
    first = set(Publication.objects.values_list("slug", "title", "kind", "body"))
    Publication.objects.filter(kind=Kind.ADDENDUM).delete()
    Publication.objects.all().delete()

    synthetic_content_generate(publications=120, seed=7)

    assert set(Publication.objects.values_list("slug", "title", "kind", "body")) == first


def test_it_reuses_the_hubs_lifecycle_and_lives_beside_its_content():
    hub_content_load()
    stages, practices = Stage.objects.count(), Practice.objects.count()

    synthetic_content_generate(publications=100)
    hub_content_load()

    assert (Stage.objects.count(), Practice.objects.count()) == (stages, practices)
    system_cards = Practice.objects.get(slug="system-cards")
    assert system_cards.publications.filter(slug__startswith="synthetic-").exists()


def test_public_pages_answer_on_the_generated_data(client):
    hub_content_load()
    synthetic_content_generate(publications=300)
    model = AIModel.objects.get(slug="synthetic-atlas")
    card = Publication.objects.live().filter(kind=Kind.SYSTEM_CARD).first()

    for url in [
        "/",
        "/publications/",
        f"/publications/?kind=system_card&model={model.slug}&order=title",
        model.get_absolute_url(),
        card.get_absolute_url(),
        "/lifecycle/",
        "/sitemap.xml",
    ]:
        assert client.get(url).status_code == 200, url


def test_the_script_reports_what_it_made_with_a_progress_bar():
    out, progress = StringIO(), StringIO()

    main(["--publications", "50"], stdout=out, stderr=progress)
    main(["--publications", "50"], stdout=out, stderr=StringIO())

    assert "Created 50 publications (0 were there already)" in out.getvalue()
    assert "Created 0 publications (50 were there already)" in out.getvalue()
    assert "] 50/50 (" in progress.getvalue()
