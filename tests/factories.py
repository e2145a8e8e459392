"""Small builders for test data: real rows in the real database."""

from datetime import timedelta
from itertools import count

from django.utils import timezone

from catalog.models import AIModel, Kind, Publication, Status, Topic

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
