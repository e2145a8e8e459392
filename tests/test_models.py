import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from catalog.models import AIModelAlias, HubFeature, HubPage, Kind, ModelLineage, Relation
from tests.factories import make_hub_page, make_model, make_publication

pytestmark = pytest.mark.django_db


def test_database_refuses_a_publication_that_is_its_own_parent():
    card = make_publication(kind=Kind.ADDENDUM, parent=make_publication())
    card.parent = card

    with pytest.raises(IntegrityError), transaction.atomic():
        card.save()


def test_database_refuses_a_parent_on_a_non_addendum():
    with pytest.raises(IntegrityError), transaction.atomic():
        make_publication(kind=Kind.SYSTEM_CARD, parent=make_publication())


def test_database_refuses_an_unknown_status():
    with pytest.raises(IntegrityError), transaction.atomic():
        make_publication(status="live-ish")


def test_database_refuses_duplicate_slugs():
    make_publication(slug="gpt-5-system-card")

    with pytest.raises(IntegrityError), transaction.atomic():
        make_publication(slug="gpt-5-system-card")


def test_addendum_parent_must_be_a_system_card():
    news = make_publication(kind=Kind.NEWS)
    addendum = make_publication(kind=Kind.ADDENDUM, parent=make_publication())
    addendum.parent = news

    with pytest.raises(ValidationError, match="not a system card"):
        addendum.full_clean()


def test_addendum_needs_a_parent():
    addendum = make_publication(kind=Kind.NEWS)
    addendum.kind = Kind.ADDENDUM

    with pytest.raises(ValidationError, match="needs the system card"):
        addendum.full_clean()


def test_cover_image_needs_a_description():
    card = make_publication()
    card.cover_image = "covers/card.png"

    with pytest.raises(ValidationError, match="Describe the cover image"):
        card.full_clean()


def test_aliases_are_unique_regardless_of_case():
    AIModelAlias.objects.create(model=make_model(), name="gpt-5-nano")

    with pytest.raises(IntegrityError), transaction.atomic():
        AIModelAlias.objects.create(model=make_model(), name="GPT-5-NANO")


def test_a_model_cannot_descend_from_itself():
    o3 = make_model(name="o3")

    with pytest.raises(IntegrityError), transaction.atomic():
        ModelLineage.objects.create(model=o3, source=o3, relation=Relation.BASED_ON)


def test_family_must_be_a_family_root():
    gpt5 = make_model(name="GPT-5")
    thinking = make_model(name="gpt-5-thinking", family=gpt5)
    mini = make_model(name="gpt-5-thinking-mini", family=thinking)

    with pytest.raises(ValidationError, match="itself in a family"):
        mini.full_clean()


def test_there_is_only_one_hub_page():
    make_hub_page()
    make_hub_page(title="Changed")

    assert list(HubPage.objects.values_list("pk", "title")) == [(1, "Changed")]


def test_a_hub_card_points_to_exactly_one_item():
    hub = make_hub_page()

    with pytest.raises(IntegrityError), transaction.atomic():
        HubFeature.objects.create(hub=hub)
