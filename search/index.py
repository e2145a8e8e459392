"""What each kind of content puts in the search index, and keeping the index in step with it.

Every item has one `Entry`, made again whenever the item (or a name it shows) changes, in the
same transaction. Drafts and scheduled items are indexed too, with their status and date, and
searches read only `live()` entries and publications: a draft is never found, and a scheduled
item is found from its date on with no work at that moment.
"""

from datetime import UTC, datetime

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver

from catalog.models import (
    AIModel,
    AIModelAlias,
    Committee,
    Conversation,
    Membership,
    Person,
    Practice,
    Publication,
    Stage,
    Topic,
)
from editorial.markup import markdown_text
from editorial.models import Status
from evaluations.models import Evaluation, EvaluationCategory
from pagecache.generation import generation_end
from search.backends import entries_index
from search.models import Entry, Synonym

# The date of content that is always visible (people, lifecycle, evaluations).
ALWAYS = datetime(2000, 1, 1, tzinfo=UTC)


def names(*related) -> str:
    return " ".join(str(item) for items in related for item in items)


def publication_entry(p: Publication) -> dict:
    models = p.ai_models.all()
    return {
        "title": p.title,
        "names": names(
            models,
            [alias for model in models for alias in model.aliases.all()],
            p.topics.all(),
            p.committees.all(),
        ),
        "summary": p.summary,
        "body": markdown_text(p.body),
        "publication": p,
        "publication_kind": p.kind,
        "publication_label": p.label,
    }


# For each kind: the model, how to read its items, and the text of one item's entry.
KINDS = {
    "publication": (
        Publication,
        lambda qs: qs.prefetch_related("ai_models__aliases", "topics", "committees"),
        publication_entry,
    ),
    "aimodel": (
        AIModel,
        lambda qs: qs.select_related("family").prefetch_related("aliases"),
        lambda m: {
            "title": m.name,
            "names": names(m.aliases.all(), [m.family] if m.family else []),
            "summary": m.summary,
        },
    ),
    "topic": (
        Topic,
        lambda qs: qs,
        lambda t: {"title": t.name, "summary": t.description, "body": markdown_text(t.body)},
    ),
    "committee": (
        Committee,
        lambda qs: qs.prefetch_related("members"),
        lambda c: {
            "title": c.name,
            "names": names(c.members.all()),
            "summary": c.mandate,
            "body": markdown_text(c.charter),
        },
    ),
    "person": (
        Person,
        lambda qs: qs,
        lambda p: {"title": p.name, "names": p.role, "summary": p.bio},
    ),
    "conversation": (
        Conversation,
        lambda qs: qs.prefetch_related("speakers"),
        lambda c: {"title": c.title, "names": names(c.speakers.all()), "summary": c.summary},
    ),
    "stage": (
        Stage,
        lambda qs: qs,
        lambda s: {"title": s.name, "summary": s.summary},
    ),
    "practice": (
        Practice,
        lambda qs: qs.select_related("stage"),
        lambda p: {"title": p.name, "names": p.stage.name, "summary": p.description},
    ),
    "evaluation": (
        Evaluation,
        lambda qs: qs.select_related("category"),
        lambda e: {"title": e.name, "names": e.category.name, "summary": e.description},
    ),
}
KIND_OF = {model: kind for kind, (model, _, _) in KINDS.items()}


def entry_make(kind: str, item) -> Entry:
    return Entry(
        kind=kind,
        object_id=item.pk,
        status=getattr(item, "status", Status.PUBLISHED),
        published_at=getattr(item, "published_at", ALWAYS),
        url=item.get_absolute_url(),
        label=str(item),
        **KINDS[kind][2](item),
    )


def search_index_update(*, kind: str = "publication", ids) -> None:
    """Make the entries of these items again (and drop those of items that are gone)."""
    ids = sorted(set(ids))
    model, read, _ = KINDS[kind]
    with transaction.atomic():
        for start in range(0, len(ids), 1000):
            batch = ids[start : start + 1000]
            Entry.objects.filter(kind=kind, object_id__in=batch).delete()
            entries = Entry.objects.bulk_create(
                entry_make(kind, item) for item in read(model.objects.filter(pk__in=batch))
            )
            entries_index([entry.pk for entry in entries])


def search_index_rebuild(*, progress=None, batch_size=1000) -> int:
    """Index every item of every kind again, from scratch; `progress(done, total)` as it goes."""
    todo = {kind: list(KINDS[kind][0].objects.values_list("pk", flat=True)) for kind in KINDS}
    total, done = sum(map(len, todo.values())), 0
    with transaction.atomic():
        Entry.objects.all().delete()
        for kind, ids in todo.items():
            for start in range(0, len(ids), batch_size):
                search_index_update(kind=kind, ids=ids[start : start + batch_size])
                done += len(ids[start : start + batch_size])
                if progress:
                    progress(done, total)
    return total


def publications_of(item) -> list[int]:
    """The publications whose entries show this item's name."""
    relation = {AIModel: "ai_models", Topic: "topics", Committee: "committees"}[type(item)]
    return list(Publication.objects.filter(**{relation: item}).values_list("pk", flat=True))


LINKS = {
    Publication.ai_models.through,
    Publication.topics.through,
    Committee.publications.through,
}


@receiver([post_save, post_delete], sender=Synonym)
def synonyms_changed(sender, **kwargs):
    generation_end()  # cached search pages were answered with the old synonyms


@receiver(pre_delete)
def item_deleting(sender, instance, **kwargs):
    # Its links go with it, so note the publications that showed its name before they do.
    if sender in {AIModel, Topic, Committee}:
        instance._search_publications = publications_of(instance)


@receiver([post_save, post_delete])
def item_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    if sender in KIND_OF:
        search_index_update(kind=KIND_OF[sender], ids=[instance.pk])
    if sender in {AIModel, Topic, Committee}:
        linked = instance.__dict__.pop("_search_publications", None)
        search_index_update(ids=publications_of(instance) if linked is None else linked)
    if sender is AIModelAlias:
        search_index_update(kind="aimodel", ids=[instance.model_id])
        search_index_update(ids=publications_of(instance.model))
    if sender is AIModel:  # its name is in its family members' entries
        search_index_update(kind="aimodel", ids=instance.members.values_list("pk", flat=True))
    if sender is Stage:
        search_index_update(kind="practice", ids=instance.practices.values_list("pk", flat=True))
    if sender is EvaluationCategory:
        search_index_update(
            kind="evaluation", ids=instance.evaluations.values_list("pk", flat=True)
        )
    if sender is Membership:
        search_index_update(kind="committee", ids=[instance.committee_id])
    if sender is Person:
        search_index_update(kind="committee", ids=instance.committees.values_list("pk", flat=True))
        search_index_update(
            kind="conversation", ids=instance.conversations.values_list("pk", flat=True)
        )


@receiver(m2m_changed)
def links_changed(sender, instance, action, pk_set, **kwargs):
    if sender is Conversation.speakers.through and action.startswith("post_"):
        conversations = [instance.pk] if isinstance(instance, Conversation) else pk_set or []
        search_index_update(kind="conversation", ids=conversations)
    if sender not in LINKS:
        return
    if isinstance(instance, Publication):
        if action.startswith("post_"):
            search_index_update(ids=[instance.pk])
    elif action == "pre_clear":
        instance._search_publications = publications_of(instance)
    elif action == "post_clear":
        search_index_update(ids=instance.__dict__.pop("_search_publications", []))
    elif action.startswith("post_"):
        search_index_update(ids=pk_set or [])
