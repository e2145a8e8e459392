"""Drafts of published items: changes saved beside the live version until a publisher publishes
them, as Wagtail keeps a page's draft beside its live revision.

A draft is the item as its change form saved it (its fields, many-to-many links and the rows
edited on its page), serialized by django-reversion into a revision of its own; the live row is
never written. To show a draft (in the change form, a preview, a diff) it is put into the
database inside a transaction that is rolled back afterwards: the pages then render it exactly
as they will once it is published, and nothing of it stays. Publishing puts it back for good,
as a revert does, recorded as a new revision.

A draft holds content, not the workflow state: the item's status and publication date stay as
they are on the live row, whoever saved the draft. Publishers change those on the item itself.
"""

from contextlib import contextmanager

import reversion
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.db import router, transaction
from django.utils import timezone
from reversion.models import Revision, Version
from reversion.revisions import _get_options

from editorial.history import (
    follow_relations,
    restoration_plan,
    revision_baseline_ensure,
    revision_restore,
    saved_state,
    version_diff,
)
from editorial.models import Draft, DraftState, Status

# The fields a draft never changes (see the module's docstring).
WORKFLOW_FIELDS = ("status", "published_at")


class RolledBack(Exception):
    """Leaves a block whose writes are undone, carrying what it made."""

    def __init__(self, value=None):
        self.value = value


@contextmanager
def rolled_back(model):
    """A block whose database writes are all undone when it ends, however it ends."""
    with transaction.atomic(using=router.db_for_write(model)):
        yield
        transaction.set_rollback(True, using=router.db_for_write(model))


def draft_open(obj) -> Draft | None:
    """The item's draft waiting for a publisher, if any."""
    if obj is None or obj.pk is None:
        return None
    return Draft.objects.for_object(obj).open().select_related("revision__user").first()


def is_draftable(obj) -> bool:
    """Whether a save of `obj` in the admin may go to a draft: it is published (live or
    scheduled); an item that is not is edited in place."""
    return obj is not None and obj.pk is not None and obj.status == Status.PUBLISHED


def draft_version(draft: Draft) -> Version:
    """The item's own version in the draft's revision (beside the rows edited on its page)."""
    return draft.revision.version_set.get(
        content_type_id=draft.content_type_id, object_id=str(draft.object_id)
    )


def state_versions(obj) -> list[Version]:
    """The item and the rows edited on its page as they are in the database now, serialized as
    django-reversion does, in unsaved versions."""
    obj = type(obj)._base_manager.get(pk=obj.pk)  # not what a form's queryset prefetched
    rows = [obj]
    for name, _ in follow_relations(type(obj)):
        rows.extend(getattr(obj, name).all())
    versions = []
    for row in rows:
        options = _get_options(type(row))
        versions.append(
            Version(
                content_type=ContentType.objects.get_for_model(type(row)),
                object_id=str(row.pk),
                db=row._state.db,
                format=options.format,
                serialized_data=serializers.serialize(
                    options.format,
                    (row,),
                    fields=options.fields,
                    use_natural_foreign_keys=options.use_natural_foreign_keys,
                ),
                object_repr=str(row),
            )
        )
    return versions


def draft_save(*, obj, versions, user, review=False, comment="") -> Draft:
    """Keep `versions` (the item as a change form saved it, see `state_versions`) as the item's
    open draft, replacing the one before; the live row is not touched."""
    state = DraftState.REVIEW if review else DraftState.PENDING
    now = timezone.now()
    with transaction.atomic(using=router.db_for_write(type(obj))):
        live = type(obj)._base_manager.select_for_update().get(pk=obj.pk)
        revision_baseline_ensure(objects=[live])
        Draft.objects.for_object(live).open().update(
            state=DraftState.REPLACED, closed_by=user, closed_at=now
        )
        revision = Revision.objects.create(
            user=user,
            comment=comment
            or ("Draft sent for review" if review else "Draft saved")
            + ": the live version is unchanged",
            date_created=now,
        )
        for version in versions:
            version.revision = revision
        Version.objects.bulk_create(versions)
        return Draft.objects.create(
            content_type=ContentType.objects.get_for_model(live),
            object_id=live.pk,
            revision=revision,
            state=state,
            based_on=saved_state(live),
            created_by=user,
            created_at=now,
        )


def draft_apply(draft: Draft):
    """Put the draft's state into the database, in the caller's transaction: the item keeps its
    status and publication date. Returns the plan (what could not be put back is in `.lost`).

    Raises history.RestoreError if the draft cannot be put back (the item is gone, or the draft
    clashes with something saved since)."""
    version = draft_version(draft)
    plan = restoration_plan(version=version)
    live = version._model._base_manager.get(pk=version.object_id)
    item = version._object_version.object
    for name in WORKFLOW_FIELDS:
        setattr(item, name, getattr(live, name))
    revision_restore(plan=plan)
    return plan


@contextmanager
def draft_shown(draft: Draft):
    """The draft in the database for the block only, rolled back at its end (render inside)."""
    model = draft.content_type.model_class()
    with rolled_back(model):
        draft_apply(draft)
        yield model._base_manager.get(pk=draft.object_id)


def draft_diff(draft: Draft, obj):
    """What publishing the draft changes on the live item `obj`: history.FieldChange rows."""
    with rolled_back(type(obj)):
        with reversion.create_revision():
            reversion.add_to_revision(obj)
        live_version = Version.objects.get_for_object(obj).first()
        return version_diff(live_version, draft_version(draft))


def live_changed_since(draft: Draft, obj) -> bool:
    """Whether the live item was saved after the draft (publishing replaces those changes)."""
    return saved_state(obj) != draft.based_on


def draft_close(*, draft: Draft, state: str, user) -> None:
    draft.state, draft.closed_by, draft.closed_at = state, user, timezone.now()
    draft.save(update_fields=["state", "closed_by", "closed_at"])


def draft_publish(*, draft: Draft, user):
    """Apply the draft to the live item, in one transaction, as a new revision; return the item.

    It is saved the ordinary way after being put back, so the search index, the page cache and
    the redirects of a changed slug hear of it.
    """
    from editorial.redirects import redirect_record

    model = draft.content_type.model_class()
    with transaction.atomic(using=router.db_for_write(model)):
        before = model._base_manager.select_for_update().get(pk=draft.object_id)
        with reversion.create_revision():
            plan = draft_apply(draft)
            obj = model._base_manager.get(pk=draft.object_id)
            obj.save()
            reversion.set_user(user)
            author = draft.revision.user
            reversion.set_comment(
                f"Published the draft saved by {author.get_username() if author else 'someone'}"
            )
        redirect_record(before=before, after=obj)
        draft_close(draft=draft, state=DraftState.PUBLISHED, user=user)
    obj.draft_lost = plan.lost
    return obj


def drafts_discard(*, obj, user) -> int:
    """Discard the item's open draft, if any (its item is deleted, or a publisher rejects it)."""
    return (
        Draft.objects.for_object(obj)
        .open()
        .update(state=DraftState.DISCARDED, closed_by=user, closed_at=timezone.now())
    )
