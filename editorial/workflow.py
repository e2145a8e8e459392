"""An item's editorial state, who may move it, and the moves themselves.

The status field holds draft, in review, published or archived; a published item is *live* once
its publication date has passed and *scheduled* until then. Nothing runs at that moment: every
public query asks `live()` at request time.
"""

from datetime import datetime

import reversion
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format

from editorial.history import revision_baseline_ensure
from editorial.models import Publishable, Status
from editorial.roles import publish_codename

# What an editor without the publish permission may set, and may still change or delete.
EDITABLE_STATUSES = {Status.DRAFT, Status.REVIEW}


class State(models.TextChoices):
    DRAFT = "draft", "Draft"
    REVIEW = "review", "In review"
    SCHEDULED = "scheduled", "Scheduled"
    LIVE = "live", "Live"
    ARCHIVED = "archived", "Archived"


def publishable_state(item: Publishable, *, now: datetime | None = None) -> State:
    if item.status == Status.PUBLISHED:
        return State.LIVE if item.published_at <= (now or timezone.now()) else State.SCHEDULED
    return State(item.status)


def is_live(item: Publishable) -> bool:
    return publishable_state(item) == State.LIVE


def state_condition(state: str) -> Q:
    """The rows in `state`, as a filter; live is exactly what `live()` shows."""
    now = timezone.now()
    if state == State.LIVE:
        return Q(status=Status.PUBLISHED, published_at__lte=now)
    if state == State.SCHEDULED:
        return Q(status=Status.PUBLISHED, published_at__gt=now)
    return Q(status=state)


def moment(value: datetime) -> str:
    return date_format(timezone.localtime(value), "j M Y, H:i T")


def state_description(item: Publishable) -> str:
    """In words, for editors and for the preview banner: “scheduled for 3 Jul 2026, 09:00 UTC”."""
    state = publishable_state(item)
    if state == State.SCHEDULED:
        return f"scheduled for {moment(item.published_at)}"
    if state == State.LIVE:
        return f"live since {moment(item.published_at)}"
    return state.label.lower()


def can_publish(user, model) -> bool:
    return user.has_perm(f"{model._meta.app_label}.{publish_codename(model._meta.model_name)}")


def may_edit(user, item: Publishable) -> bool:
    """Whether `user` may change or delete `item` as it is now (model permissions aside)."""
    return item.status in EDITABLE_STATUSES or can_publish(user, type(item))


STATUS_CHANGE_COMMENTS = {
    Status.PUBLISHED: "Published",
    Status.DRAFT: "Unpublished (back to draft)",
    Status.ARCHIVED: "Archived",
    Status.REVIEW: "Sent for review",
}


def status_change(*, items, status: str, user) -> list[Publishable]:
    """Give each item `status`, each recorded as its own revision; return the items changed.

    Items are saved one by one, so the search index, the page cache and the history hear of it.
    """
    changed = [item for item in items if item.status != status]
    with transaction.atomic():
        revision_baseline_ensure(objects=changed)
        for item in changed:
            with reversion.create_revision():
                item.status = status
                item.save(update_fields=["status"])
                reversion.set_user(user)
                reversion.set_comment(STATUS_CHANGE_COMMENTS[status])
    return changed
