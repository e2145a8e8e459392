"""Revisions of the content (kept by django-reversion): baselines, revert, recovery, readable diffs.

django-reversion stores each save made in the admin as a revision: the item and the rows edited
on its page (aliases, members, ...), serialized with their many-to-many links. This module adds
what the admin shows on top: what changed between two revisions, field by field; a revert that
is itself a new revision; and deletions recorded with everything they take along, so that a
recovery brings the item back with its links and the rows that went with it.

Putting a version back touches only the item and the rows reached from it, never the rest of
the revision it belongs to: a version cannot be used to change anything else.
"""

import dataclasses
import difflib
import hashlib
import json
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

import reversion
from django.apps import apps as global_apps
from django.contrib.admin.utils import NestedObjects
from django.contrib.auth import get_permission_codename
from django.db import DEFAULT_DB_ALIAS, IntegrityError, models, router, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from reversion.models import Version

# reversion has no public way to read a model's registration; its `follow` names the rows
# edited on the item's page, which a revision records with the item.
from reversion.revisions import _get_options

BASELINE_COMMENT = "As it was before its first change in the admin"
EMPTY = "—"
# A word with the spaces after it; the text before the first word counts as a word.
WORDS = re.compile(r"^\s+|\S+\s*")


class RestoreError(Exception):
    """A version cannot be put back as it is: a row it needs is gone, or clashes with another."""


def revision_baseline_ensure(*, objects) -> None:
    """Record each object's current state if it has no revision yet, before it changes.

    Content loaded by a command or an import has no history; without this, its first edit
    could not be undone, and a deleted item that was never edited could not be recovered.
    """
    for obj in objects:
        if reversion.is_registered(type(obj)) and not Version.objects.get_for_object(obj).exists():
            with reversion.create_revision():
                reversion.add_to_revision(obj)
                reversion.set_comment(BASELINE_COMMENT)


def is_link_model(model) -> bool:
    """A many-to-many link table Django makes by itself (a publication's topics, ...)."""
    return bool(model._meta.auto_created)


def link_field(model) -> models.ManyToManyField:
    """The many-to-many field whose links `model` (an automatic link table) holds."""
    source = model._meta.auto_created
    return next(
        field for field in source._meta.local_many_to_many if field.remote_field.through is model
    )


def links_register(model) -> None:
    """Let reversion record `model`'s many-to-many links, so that a deletion can record the
    links it removes from the other side (a topic's publications)."""
    for field in model._meta.local_many_to_many:
        through = field.remote_field.through
        if is_link_model(through) and not reversion.is_registered(through):
            reversion.register(through)


def link_content_types_post_migrate(sender, apps=global_apps, using=DEFAULT_DB_ALIAS, **kwargs):
    """Content types for the automatic link tables, which Django does not make: a deletion's
    revision records links under them. Made on demand instead, one made in a transaction that
    is then rolled back would stay in ContentType's cache and break the next deletion."""
    try:
        ContentType = apps.get_model("contenttypes", "ContentType")
    except LookupError:  # contenttypes not migrated yet
        return
    for model in apps.get_models(include_auto_created=True):
        if is_link_model(model):
            ContentType.objects.db_manager(using).get_or_create(
                app_label=model._meta.app_label, model=model._meta.model_name
            )


def references(model) -> list[models.Field]:
    return [field for field in model._meta.concrete_fields if field.many_to_one]


def row_key(model, pk) -> tuple:
    return (model._meta.concrete_model, str(pk))


def version_key(version: Version) -> tuple:
    return row_key(version._model, version.object_id)


def existing_keys(keys) -> set:
    """Which of the (model, pk) keys name a row that exists now; one query per model."""
    by_model = defaultdict(set)
    for model, pk in keys:
        by_model[model].add(model._meta.pk.to_python(pk))
    found = set()
    for model, pks in by_model.items():
        rows = model._base_manager.filter(pk__in=pks).values_list("pk", flat=True)
        found |= {row_key(model, pk) for pk in rows}
    return found


def deletion_collect(objs) -> NestedObjects:
    """What deleting `objs` removes (`.data`, `.protected`) and unlinks (see `unlinked_rows`),
    found as the admin's delete confirmation finds it."""
    collector = NestedObjects(using=router.db_for_write(type(objs[0])))
    collector.collect(objs)
    return collector


def unlinked_rows(collector: NestedObjects) -> list[tuple[models.Model, models.Field]]:
    """The rows a deletion keeps but unlinks (a model's family left empty), with the field
    emptied: the admin's delete confirmation does not list them."""
    return [
        (row, field)
        for (field, _), batches in collector.field_updates.items()
        for batch in batches
        for row in batch
    ]


def revision_record_deletion(*, obj, user) -> None:
    """Record an object's last state before it is deleted, with everything the delete takes
    along (rows that cascade, links from other items) or unlinks (references it empties), so
    that recovering it brings all of that back."""
    if not reversion.is_registered(type(obj)):
        return
    collector = deletion_collect([obj])
    deleted = {row_key(type(row), row.pk) for rows in collector.data.values() for row in rows}
    with reversion.create_revision():
        reversion.add_to_revision(obj)
        for model, rows in collector.data.items():
            for row in rows:
                if is_link_model(model) and link_source_key(row) in deleted:
                    continue  # a deleted item's own links are in its own version
                if reversion.is_registered(model):
                    reversion.add_to_revision(row)
        for row, _ in unlinked_rows(collector):
            if reversion.is_registered(type(row)):
                reversion.add_to_revision(row)
        reversion.set_user(user)
        reversion.set_comment(f"Deleted {obj._meta.verbose_name} “{obj}”")


def link_source_key(link: models.Model) -> tuple:
    field = link_field(type(link))
    source = type(link)._meta.get_field(field.m2m_field_name())
    return row_key(field.model, getattr(link, source.attname))


@dataclass
class Restoration:
    """What putting an item back as it was in `version` changes, worked out before anything does."""

    version: Version
    recovering: bool
    # Saved as they were in the revision, the item first.
    rows: list[Version] = dataclasses.field(default_factory=list)
    # Of those, the ones that do not exist now.
    recreated: set = dataclasses.field(default_factory=set)
    # Rows that exist, with the references to recreated rows that the deletion emptied.
    references: list[tuple[Version, list[models.Field]]] = dataclasses.field(default_factory=list)
    # Many-to-many links from other items to recreated rows.
    links: list[Version] = dataclasses.field(default_factory=list)
    # Rows edited on the item's page now that the version did not have.
    removed: list[models.Model] = dataclasses.field(default_factory=list)
    # What cannot come back, in words.
    lost: list[str] = dataclasses.field(default_factory=list)

    def permissions(self) -> set[str]:
        """Every model permission putting it back needs, as "app_label.codename"."""

        def permission(action, model):
            opts = model._meta
            return f"{opts.app_label}.{get_permission_codename(action, opts)}"

        needed = {
            permission("add" if version_key(row) in self.recreated else "change", row._model)
            for row in self.rows
        }
        needed |= {permission("delete", type(row)) for row in self.removed}
        needed |= {permission("change", version._model) for version, _ in self.references}
        needed |= {permission("change", link_field(link._model).model) for link in self.links}
        return needed

    def summary(self) -> list[str]:
        """What comes back besides the item, in words."""
        counts = defaultdict(int)
        for row in self.rows[1:]:
            counts[str(row._model._meta.verbose_name_plural).capitalize()] += 1
        for link in self.links:
            field = link_field(link._model)
            counts[f"Links from {field.model._meta.verbose_name_plural}"] += 1
        for version, fields in self.references:
            plural = str(version._model._meta.verbose_name_plural).capitalize()
            for field in fields:
                counts[f"{plural} whose {field.verbose_name} it was"] += 1
        return [f"{name}: {count}" for name, count in sorted(counts.items())]


def restoration_plan(*, version: Version, recovering: bool = False) -> Restoration:
    """What putting `version`'s item back changes: the item and the rows edited on its page;
    when recovering a deleted item, also the rows, links and references its deletion removed.

    Raises RestoreError if the item cannot come back (it exists when recovering, or not when
    reverting; or something it cannot do without was deleted since).
    """
    in_revision = list(version.revision.version_set.all())
    found = existing_keys(version_key(other) for other in in_revision)
    exists = version_key(version) in found
    if recovering and exists:
        raise RestoreError(f"“{version.object_repr}” is not deleted.")
    if not recovering and not exists:
        raise RestoreError(
            f"“{version.object_repr}” was deleted: recover it from the list of deleted items."
        )
    plan = Restoration(version=version, recovering=recovering)
    if recovering:
        plan.rows = reached_rows(version, in_revision, found)
    else:
        plan.rows = [version, *page_rows(version, in_revision)]
        kept = {version_key(row) for row in plan.rows}
        plan.removed = [
            row for row in page_rows_now(version) if row_key(type(row), row.pk) not in kept
        ]
    plan.recreated = {version_key(row) for row in plan.rows} - found
    rows_check(plan)
    if recovering:
        restored = {version_key(row) for row in plan.rows}
        links_and_references_find(plan, in_revision, found, restored)
    return plan


def follow_relations(model):
    """The reverse relations reversion follows from `model`: the rows edited on its page."""
    for name in _get_options(model).follow:
        relation = model._meta.get_field(name)
        if relation.auto_created and not relation.concrete:
            yield name, relation


def page_rows(version: Version, candidates) -> list[Version]:
    """The versions, among `candidates`, of rows edited on the page of `version`'s item."""
    relations = {
        relation.related_model: relation.field.attname
        for _, relation in follow_relations(version._model)
    }
    return [
        candidate
        for candidate in candidates
        if candidate._model in relations
        and str(candidate.field_dict.get(relations[candidate._model])) == version.object_id
    ]


def page_rows_now(version: Version) -> list[models.Model]:
    rows = []
    for _, relation in follow_relations(version._model):
        related = relation.related_model._base_manager
        rows.extend(related.filter(**{relation.field.attname: version.object_id}))
    return rows


def reached_rows(version: Version, candidates, found) -> list[Version]:
    """The deleted item and the deleted rows of its revision that depend on it, directly or
    through one another (its aliases; a lineage step from another model; a hub card)."""
    rows, keys = [version], {version_key(version)}
    waiting = [
        candidate
        for candidate in candidates
        if candidate is not version
        and version_key(candidate) not in found
        and not is_link_model(candidate._model)
    ]
    grew = True
    while grew:
        grew = False
        for candidate in list(waiting):
            data = candidate.field_dict
            if any(
                row_key(field.related_model, data.get(field.attname)) in keys
                for field in references(candidate._model)
            ):
                rows.append(candidate)
                keys.add(version_key(candidate))
                waiting.remove(candidate)
                grew = True
    return rows


def describe(model, pk) -> str:
    return f"{model._meta.verbose_name} #{pk}"


def rows_check(plan: Restoration) -> None:
    """Leave out of `plan` what refers to rows deleted since; refuse if the item itself needs one.

    An emptiable reference is emptied, a many-to-many link to a deleted row dropped, and a row
    that cannot do without a deleted one is left out: each is said in `plan.lost`.
    """
    needed = set()
    for row in plan.rows:
        data = row.field_dict
        for field in references(row._model):
            if data.get(field.attname) is not None:
                needed.add(row_key(field.related_model, data[field.attname]))
        for name, pks in (row._object_version.m2m_data or {}).items():
            related = row._model._meta.get_field(name).related_model
            needed |= {row_key(related, pk) for pk in pks}
    present = existing_keys(needed) | {version_key(row) for row in plan.rows}
    changed = True
    while changed:
        changed = False
        for row in list(plan.rows):
            obj = row._object_version.object
            for field in references(row._model):
                value = getattr(obj, field.attname)
                if value is None or row_key(field.related_model, value) in present:
                    continue
                gone = describe(field.related_model, value)
                if field.null:
                    setattr(obj, field.attname, None)
                    plan.lost.append(
                        f"{row.object_repr}: its {field.verbose_name} ({gone}) was deleted since."
                    )
                elif row is plan.version:
                    raise RestoreError(
                        f"“{row.object_repr}” cannot come back: its {field.verbose_name} "
                        f"({gone}) was deleted since. Recover that first."
                    )
                else:
                    plan.rows.remove(row)
                    present.discard(version_key(row))
                    plan.lost.append(
                        f"{row._model._meta.verbose_name} “{row.object_repr}”: "
                        f"its {field.verbose_name} ({gone}) was deleted since."
                    )
                    changed = True
                    break
    for row in plan.rows:
        m2m_data = row._object_version.m2m_data or {}
        for name, pks in m2m_data.items():
            related = row._model._meta.get_field(name).related_model
            kept = [pk for pk in pks if row_key(related, pk) in present]
            plan.lost.extend(
                f"{row.object_repr}: its link to {describe(related, pk)}, deleted since."
                for pk in pks
                if pk not in kept
            )
            m2m_data[name] = kept


def link_ends(link: Version) -> tuple:
    """(source pk, target pk) of a recorded many-to-many link."""
    field, data = link_field(link._model), link.field_dict
    through = link._model._meta
    return (
        data[through.get_field(field.m2m_field_name()).attname],
        data[through.get_field(field.m2m_reverse_field_name()).attname],
    )


def links_and_references_find(plan: Restoration, in_revision, found, restored) -> None:
    """The links from other items, and the emptied references, to the rows being recovered."""
    ends_needed = set()
    for candidate in in_revision:
        if is_link_model(candidate._model):
            field = link_field(candidate._model)
            source, target = link_ends(candidate)
            ends = {row_key(field.model, source), row_key(field.related_model, target)}
            if ends & restored:
                plan.links.append(candidate)
                ends_needed |= ends - restored
        elif version_key(candidate) in found and candidate is not plan.version:
            data = candidate.field_dict
            fields = [
                field
                for field in references(candidate._model)
                if field.null
                and field.remote_field.on_delete is models.SET_NULL
                and row_key(field.related_model, data.get(field.attname)) in restored
            ]
            if fields:
                plan.references.append((candidate, fields))
    present = existing_keys(ends_needed) | restored
    for link in list(plan.links):
        field = link_field(link._model)
        source, target = link_ends(link)
        for model, pk in ((field.model, source), (field.related_model, target)):
            if row_key(model, pk) not in present:
                plan.links.remove(link)
                plan.lost.append(f"A link to {describe(model, pk)}, deleted since.")


def revision_restore(*, plan: Restoration) -> None:
    """Put back what `plan` says, inside the caller's transaction and revision.

    Rows are saved as they were (as raw saves, like reversion's own revert); links are added
    through their relation, so the search index and the page cache hear of them.
    """
    for row in plan.removed:
        row.delete()
    for row in plan.rows:
        try:
            with transaction.atomic(using=row.db):
                row._object_version.save(using=row.db)
        except IntegrityError as error:
            raise RestoreError(
                f"{row._model._meta.verbose_name.capitalize()} “{row.object_repr}” cannot come "
                "back as it was: it clashes with something saved since."
            ) from error
    for version, fields in plan.references:
        obj = version._model._base_manager.filter(pk=version.object_id).first()
        emptied = [field for field in fields if obj and getattr(obj, field.attname) is None]
        for field in emptied:
            setattr(obj, field.attname, version.field_dict[field.attname])
        if emptied:
            obj.save(update_fields=[field.name for field in emptied])
    links_restore(plan)


def links_restore(plan: Restoration) -> None:
    by_target, by_source = defaultdict(set), defaultdict(set)
    for link in plan.links:
        field = link_field(link._model)
        source, target = link_ends(link)
        if row_key(field.model, source) in plan.recreated or field.remote_field.hidden:
            by_source[field, source].add(target)
        else:
            by_target[field, target].add(source)
    for (field, source), targets in by_source.items():
        getattr(field.model._base_manager.get(pk=source), field.name).add(*targets)
    for (field, target), sources in by_target.items():
        target_obj = field.related_model._base_manager.get(pk=target)
        getattr(target_obj, field.remote_field.get_accessor_name()).add(*sources)


def revision_revert(*, plan: Restoration, user) -> models.Model:
    """Put the item (and the rows edited on its page) back as they were in the plan's version.

    The result is saved once more the ordinary way, so the search index, the page cache and
    redirects hear of it, and it is recorded as a new revision: a revert can be reverted.
    """
    from editorial.redirects import redirect_record

    version = plan.version
    model = version._model
    with transaction.atomic():
        before = model._default_manager.filter(pk=version.object_id).first()
        with reversion.create_revision():
            revision_restore(plan=plan)
            obj = model._default_manager.get(pk=version.object_id)
            obj.save()
            reversion.set_user(user)
            reversion.set_comment(
                f"Reverted to the version of {moment(version.revision.date_created)}"
            )
        redirect_record(before=before, after=obj)
    return obj


def saved_state(obj) -> str:
    """A digest of the item as saved (its fields, links and the rows edited on its page), to
    tell whether anyone saved it since a form showing it was opened."""
    rows = [obj]
    if reversion.is_registered(type(obj)):
        for name, _ in follow_relations(type(obj)):
            rows.extend(sorted(getattr(obj, name).all(), key=lambda row: row.pk))
    state = [
        [
            row._meta.label,
            *(field.value_to_string(row) for field in row._meta.concrete_fields),
            *(
                sorted(getattr(row, field.name).order_by().values_list("pk", flat=True))
                for field in row._meta.many_to_many
            ),
        ]
        for row in rows
    ]
    return hashlib.sha256(json.dumps(state, default=str).encode()).hexdigest()


def moment(value: datetime) -> str:
    return date_format(timezone.localtime(value), "j M Y, H:i")


@dataclass
class FieldChange:
    label: str
    html: SafeString


def field_text(field, value) -> str:
    if value is None or value == "":
        return EMPTY
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.ForeignKey):
        related = field.related_model._base_manager.filter(pk=value).first()
        return str(related) if related else f"#{value} (deleted)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return moment(value)
    if isinstance(value, date):
        return date_format(value, "j M Y")
    return str(value)


def text_diff(before: str, after: str) -> SafeString:
    """Word by word: removed words in <del>, added ones in <ins>, the rest as it was."""
    old, new = WORDS.findall(before), WORDS.findall(after)
    matcher = difflib.SequenceMatcher(
        None, [word.strip() for word in old], [word.strip() for word in new], autojunk=False
    )
    parts = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(format_html("{}", "".join(new[j1:j2])))
            continue
        if i2 > i1:
            parts.append(format_html("<del>{}</del>", "".join(old[i1:i2])))
        if j2 > j1:
            parts.append(format_html("<ins>{}</ins>", "".join(new[j1:j2])))
    return mark_safe("".join(parts))


def names(model, pks) -> dict:
    found = {obj.pk: str(obj) for obj in model._base_manager.filter(pk__in=pks)}
    return {pk: found.get(pk, f"#{pk} (deleted)") for pk in pks}


def set_diff(removed, added) -> SafeString:
    html = []
    if removed:
        html.append(format_html_join(", ", "<del>{}</del>", ((name,) for name in removed)))
    if added:
        html.append(format_html_join(", ", "<ins>{}</ins>", ((name,) for name in added)))
    return mark_safe("; ".join(html))


def compared_fields(model):
    for field in model._meta.get_fields():
        if field.auto_created or not field.concrete and not field.many_to_many:
            continue
        if field.primary_key or not getattr(field, "editable", False):
            continue
        if field.many_to_many and not field.remote_field.through._meta.auto_created:
            continue  # members with roles: compared as the rows edited on the page
        yield field


def version_diff(older: Version, newer: Version) -> list[FieldChange]:
    """What changed from `older` to `newer` of the same object, in words editors read."""
    model = newer._model
    before, after = older.field_dict, newer.field_dict
    changes = []
    for field in compared_fields(model):
        old_value, new_value = before.get(field.attname), after.get(field.attname)
        label = str(field.verbose_name).capitalize()
        if field.many_to_many:
            old_set, new_set = set(old_value or ()), set(new_value or ())
            if old_set == new_set:
                continue
            labels = names(field.related_model, old_set | new_set)
            changes.append(
                FieldChange(
                    label,
                    set_diff(
                        sorted(labels[pk] for pk in old_set - new_set),
                        sorted(labels[pk] for pk in new_set - old_set),
                    ),
                )
            )
        elif old_value != new_value:
            old_text, new_text = field_text(field, old_value), field_text(field, new_value)
            if isinstance(field, models.TextField) and EMPTY not in (old_text, new_text):
                html = text_diff(old_text, new_text)
            else:
                html = format_html("<del>{}</del> → <ins>{}</ins>", old_text, new_text)
            changes.append(FieldChange(label, html))
    changes.extend(parts_diff(older, newer))
    return changes


def parts_diff(older: Version, newer: Version) -> list[FieldChange]:
    """The rows saved with the object (aliases, members, ...): added, removed or changed."""

    def parts(version):
        found = {}
        for part in version.revision.version_set.exclude(pk=version.pk).select_related(
            "content_type"
        ):
            found[(part.content_type_id, part.object_id)] = part
        return found

    old_parts, new_parts = parts(older), parts(newer)
    by_model = {}
    for key in old_parts.keys() | new_parts.keys():
        old, new = old_parts.get(key), new_parts.get(key)
        part = new or old
        if old and new and old._local_field_dict == new._local_field_dict:
            continue
        status = "added" if old is None else "removed" if new is None else "changed"
        label = str(part._model._meta.verbose_name_plural).capitalize()
        by_model.setdefault(label, []).append((status, part.object_repr))
    changes = []
    for label, rows in sorted(by_model.items()):
        pieces = []
        for status in ("removed", "added", "changed"):
            reprs = sorted(text for row_status, text in rows if row_status == status)
            if reprs:
                pieces.append(format_html("{}: {}", status, ", ".join(reprs)))
        changes.append(FieldChange(label, mark_safe("; ".join(pieces))))
    return changes
