"""Small builders for test data: real rows in the real database."""

from datetime import date, timedelta
from decimal import Decimal
from itertools import count

from django.utils import timezone

from catalog.models import (
    AIModel,
    Direction,
    Evaluation,
    EvaluationCategory,
    HubPage,
    Kind,
    Publication,
    Result,
    Status,
    Topic,
)
from catalog.search import search_index_update
from pagecache.generation import generation_end

_numbers = count(1)


def make_publication(**fields):
    number = next(_numbers)
    fields.setdefault("title", f"Publication {number}")
    fields.setdefault("slug", f"publication-{number}")
    fields.setdefault("kind", Kind.SYSTEM_CARD)
    fields.setdefault("summary", "A summary.")
    fields.setdefault("status", Status.PUBLISHED)
    fields.setdefault("published_at", timezone.now() - timedelta(days=1))
    return Publication.objects.create(**fields)


def make_hub_page(**fields):
    """The one hub page, with every required heading filled in."""
    hub = HubPage(
        **{
            "title": "Safety at every step",
            "intro": "Intro words.",
            "meta_title": "Safety & responsibility",
            "lifecycle_heading": "Safety doesn’t stop",
            "lifecycle_intro": "Every day.",
            "topics_heading": "Leading the way in safety",
            "conversations_heading": "Conversations",
            "news_heading": "Latest news on safety",
            "deeper_heading": "Go deeper on safety",
            **fields,
        }
    )
    hub.save()
    return hub


def make_model(**fields):
    number = next(_numbers)
    fields.setdefault("name", f"model-{number}")
    fields.setdefault("slug", f"model-{number}")
    fields.setdefault("status", Status.PUBLISHED)
    fields.setdefault("published_at", timezone.now() - timedelta(days=1))
    return AIModel.objects.create(**fields)


def make_topic(**fields):
    number = next(_numbers)
    fields.setdefault("name", f"Topic {number}")
    fields.setdefault("slug", f"topic-{number}")
    fields.setdefault("status", Status.PUBLISHED)
    fields.setdefault("published_at", timezone.now() - timedelta(days=1))
    return Topic.objects.create(**fields)


def make_many_publications(count, *, ai_models=(), topics=(), practices=(), committees=()):
    """`count` live publications linked to the given objects, in a handful of queries."""
    now = timezone.now()
    start = next(_numbers)
    for _ in range(count):
        next(_numbers)
    publications = Publication.objects.bulk_create(
        Publication(
            title=f"Bulk publication {start + n}",
            slug=f"bulk-{start + n}",
            kind=[Kind.SYSTEM_CARD, Kind.NEWS, Kind.RESEARCH][n % 3],
            label="safety" if n % 3 == 1 else "",
            summary="A generated summary.",
            status=Status.PUBLISHED,
            published_at=now - timedelta(days=n % 900 + 1),
        )
        for n in range(count)
    )
    links = [
        (Publication.ai_models.through, "aimodel", ai_models),
        (Publication.topics.through, "topic", topics),
        (Publication.practices.through, "practice", practices),
    ]
    for through, field, targets in links:
        through.objects.bulk_create(
            through(publication=publication, **{field: target})
            for publication in publications
            for target in targets
        )
    for committee in committees:
        committee.publications.add(*publications)
    # bulk_create sends no signals, so index the new rows the way a bulk import must.
    search_index_update(publication_ids=[publication.pk for publication in publications])
    generation_end()
    return publications


def make_evaluation(*, category=None, metrics=(("score", Direction.HIGHER),), **fields):
    """An evaluation with metrics given as (name, direction), each ranging from 0 to 1."""
    number = next(_numbers)
    if category is None:
        category = EvaluationCategory.objects.create(
            name=f"Category {number}", slug=f"category-{number}"
        )
    fields.setdefault("name", f"Evaluation {number}")
    fields.setdefault("slug", f"evaluation-{number}")
    evaluation = Evaluation.objects.create(category=category, **fields)
    for position, (name, direction) in enumerate(metrics):
        evaluation.metrics.create(name=name, direction=direction, position=position)
    return evaluation


def make_result(*, metric, ai_model, source, value, **fields):
    fields.setdefault("measured_on", date(2025, 4, 16))
    return Result.objects.create(
        evaluation=metric.evaluation,
        metric=metric,
        ai_model=ai_model,
        source=source,
        value=Decimal(str(value)),
        **fields,
    )
