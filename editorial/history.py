"""Revisions of the content (kept by django-reversion): baselines, one-click revert, readable diffs.

django-reversion stores each save made in the admin as a revision: the item and the rows edited
on its page (aliases, members, ...), serialized with their many-to-many links. This module adds
what the admin shows on top: what changed between two revisions, field by field, and a revert
that is itself a new revision.
"""

import difflib
import re
from dataclasses import dataclass
from datetime import date, datetime

import reversion
from django.db import models, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from reversion.models import Version

BASELINE_COMMENT = "As it was before its first change in the admin"
EMPTY = "—"
# A word with the spaces after it; the text before the first word counts as a word.
WORDS = re.compile(r"^\s+|\S+\s*")


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


def revision_record_deletion(*, obj, user) -> None:
    """Record an object's last state before it is deleted, so that it can be recovered."""
    if reversion.is_registered(type(obj)):
        with reversion.create_revision():
            reversion.add_to_revision(obj)
            reversion.set_user(user)
            reversion.set_comment("Deleted")


def revision_revert(*, version: Version, user) -> models.Model:
    """Put the object (and the rows edited on its page) back as they were in `version`.

    The result is saved once more the ordinary way, so the search index, the page cache and
    redirects hear of it, and it is recorded as a new revision: a revert can be reverted.
    """
    from editorial.redirects import redirect_record

    model = version._model
    with transaction.atomic():
        before = model._default_manager.filter(pk=version.object_id).first()
        with reversion.create_revision():
            version.revision.revert(delete=True)
            obj = model._default_manager.get(pk=version.object_id)
            obj.save()
            reversion.set_user(user)
            reversion.set_comment(
                f"Reverted to the version of {moment(version.revision.date_created)}"
            )
        redirect_record(before=before, after=obj)
    return obj


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
