"""The dashboard on the admin's index: what waits for the signed-in user, with counts.

- In review (publishers of a type): items sent for review, and draft changes to published
  items sent for review;
- My drafts: unpublished items the user saved, and the user's draft changes to published items;
- Scheduled: published items dated in the future, with the moment they go live;
- Recently published: live items, newest first.

Only the content types the user may see in the admin are counted; "In review" only those the
user may publish. The queries do not grow with the content: per content type, one for the counts
and one per list that has rows, and two for the drafts of published items.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.apps import apps
from django.contrib.admin.utils import quote
from django.contrib.contenttypes.models import ContentType
from django.db.models import BigIntegerField, Count, Q
from django.db.models.functions import Cast
from django.urls import NoReverseMatch, reverse
from django.utils.text import capfirst
from reversion.models import Version

from editorial.models import Draft, DraftState, Publishable, Status
from editorial.workflow import State, can_publish, state_condition

# Rows shown per section; the count says how many there are in all.
SHOWN = 8


@dataclass
class Row:
    label: str
    kind: str
    url: str
    when: datetime | None = None
    note: str = ""


@dataclass
class Section:
    key: str
    title: str
    empty: str
    count: int = 0
    rows: list[Row] = field(default_factory=list)

    def add(self, rows, *, key=None):
        self.rows.extend(rows)
        if key is not None:
            self.rows.sort(key=key)
        del self.rows[SHOWN:]


def change_url(site, obj) -> str:
    opts = obj._meta
    try:
        return reverse(
            f"{site.name}:{opts.app_label}_{opts.model_name}_change", args=[quote(obj.pk)]
        )
    except NoReverseMatch:
        return ""


def visible_models(request, site):
    """The content types with a status the user may see in the admin, with their admins."""
    for model in apps.get_models():
        if issubclass(model, Publishable) and site.is_registered(model):
            model_admin = site.get_model_admin(model)
            if model_admin.has_view_or_change_permission(request):
                yield model, model_admin


def dashboard(request, site) -> list[Section]:
    user = request.user
    review = Section("review", "In review", "Nothing waits for review.")
    mine = Section("mine", "My drafts", "You have no drafts.")
    scheduled = Section("scheduled", "Scheduled", "Nothing is scheduled.")
    recent = Section("recent", "Recently published", "Nothing is published yet.")
    models = list(visible_models(request, site))
    publishing = {model for model, _ in models if can_publish(user, model)}
    by_content_type = {ContentType.objects.get_for_model(model).pk: model for model, _ in models}

    for model, _ in models:
        kind = capfirst(model._meta.verbose_name)
        mine_ids = Version.objects.get_for_model(model).filter(revision__user=user)
        mine_ids = mine_ids.annotate(item=Cast("object_id", BigIntegerField())).values("item")
        mine_condition = Q(status=Status.DRAFT, pk__in=mine_ids)
        counts = model._default_manager.aggregate(
            review=Count("pk", filter=Q(status=Status.REVIEW)),
            mine=Count("pk", filter=mine_condition),
            scheduled=Count("pk", filter=state_condition(State.SCHEDULED)),
            recent=Count("pk", filter=state_condition(State.LIVE)),
        )
        lists = [
            (mine, mine_condition, "-pk"),
            (scheduled, state_condition(State.SCHEDULED), "published_at"),
            (recent, state_condition(State.LIVE), "-published_at"),
        ]
        if model in publishing:
            lists.insert(0, (review, Q(status=Status.REVIEW), "-pk"))
        for section, condition, order in lists:
            section.count += counts[section.key]
            if not counts[section.key]:
                continue
            items = model._default_manager.filter(condition).order_by(order)[:SHOWN]
            section.add(
                Row(str(item), kind, change_url(site, item), item.published_at) for item in items
            )
    scheduled.rows.sort(key=lambda row: row.when)
    recent.rows.sort(key=lambda row: row.when, reverse=True)

    # Draft changes to published items: the user's own, and (publishers) those in review.
    drafts = (
        Draft.objects.open()
        .filter(content_type__in=by_content_type)
        .filter(
            Q(created_by=user)
            | Q(
                state=DraftState.REVIEW,
                content_type__in=[
                    pk for pk, model in by_content_type.items() if model in publishing
                ],
            )
        )
        .order_by("-created_at")
        .prefetch_related("target")
    )
    for draft in drafts:
        if draft.target is None:  # its item was deleted outside the admin
            continue
        model = by_content_type[draft.content_type_id]
        row = Row(
            str(draft.target),
            capfirst(model._meta.verbose_name),
            change_url(site, draft.target),
            draft.created_at,
            "draft changes to the live item",
        )
        if draft.created_by_id == user.pk:
            mine.count += 1
            if len(mine.rows) < SHOWN:
                mine.rows.append(row)
        if draft.state == DraftState.REVIEW and model in publishing:
            review.count += 1
            if len(review.rows) < SHOWN:
                review.rows.append(row)

    sections = [mine, scheduled, recent]
    if publishing:
        sections.insert(0, review)
    return sections if models else []
