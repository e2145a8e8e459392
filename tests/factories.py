"""Small builders for test data: real rows in the real database."""

import io
import struct
import zlib
from datetime import date, timedelta
from decimal import Decimal
from itertools import count

from django.utils import timezone
from PIL import Image
from pypdf import PdfWriter

from catalog.models import AIModel, HubPage, Kind, Publication, Status, Topic
from evaluations.models import Direction, Evaluation, EvaluationCategory, Result
from pagecache.generation import generation_end
from search.index import search_index_update

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
    search_index_update(ids=[publication.pk for publication in publications])
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


def make_image(image_format="JPEG", size=(1200, 800), **options):
    """A real image file: red on the left half, blue on the right, so turns can be seen."""
    image = Image.new("RGB", size, "red")
    image.paste("blue", (size[0] // 2, 0, size[0], size[1]))
    buffer = io.BytesIO()
    image.save(buffer, image_format, **options)
    return buffer.getvalue()


def make_png_header(width, height):
    """A PNG that claims width × height pixels and holds none: signature, IHDR and IEND."""

    def chunk(kind, data):
        checksum = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + checksum

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IEND", b"")


def make_pdf(pages=1, **encryption):
    """A real PDF with blank pages, encrypted when given pypdf's encrypt() arguments."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(612, 792)
    if encryption:
        writer.encrypt(**encryption)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def attach_demo_media():
    """Images on the loaded hub's pages that show them, and a PDF on the GPT-5 card."""
    from django.core.files.base import ContentFile

    from catalog.models import Conversation, Person

    card = Publication.objects.get(slug="gpt-5-system-card")
    card.cover_alt = "The words GPT-5 System Card on a gradient"
    card.cover_image.save("gpt-5.jpg", ContentFile(make_image("JPEG", (1800, 900))), save=False)
    card.document.save("gpt-5-system-card.pdf", ContentFile(make_pdf(pages=2)), save=False)
    card.save()
    person = Person.objects.get(slug="zico-kolter")
    person.portrait_alt = "Zico Kolter, smiling, in front of a whiteboard"
    person.portrait.save("zico.webp", ContentFile(make_image("WEBP", (600, 800))), save=False)
    person.save()
    for conversation in Conversation.objects.all():
        conversation.image_alt = f"A still from “{conversation.title}”"
        conversation.image.save(
            "still.png", ContentFile(make_image("PNG", (1280, 720))), save=False
        )
        conversation.save()
