"""Staged uploads: a file chosen on a form that fails validation is kept, not lost.

When a form with a valid new file is refused for another reason (a missing description, say),
the file is stored in a staging folder of the private storage and the form carries a signed
token for it in a hidden field, shown as “kept: name.jpg” with a box to remove it. Submitting
again without choosing another file uses the kept one.

The token is signed (settings.SECRET_KEY), names the user it was made for and expires after
STAGED_MAX_AGE: nobody can claim another user's staged file or a file of their choosing.
`manage.py clear_staged_uploads` deletes staged files older than that.
"""

import contextlib
import functools
import os
import posixpath
import secrets
import time

from django import forms
from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.db import transaction
from django.utils.html import format_html

from uploads.documents import private_storage

STAGING_FOLDER = "staged"
STAGED_MAX_AGE = 24 * 60 * 60  # seconds
SALT = "uploads.staged"
TOKEN_SUFFIX = "__staged"
REMOVE_SUFFIX = "__staged_remove"


def staged_store(*, upload, user_pk) -> str:
    """Store `upload` in the staging folder; the signed token that claims it back."""
    upload.seek(0)
    name = posixpath.basename(upload.name) or "file"
    path = f"{STAGING_FOLDER}/{secrets.token_hex(16)}/{name}"
    stored = private_storage().save(path, ContentFile(upload.read()))
    upload.seek(0)
    return signing.dumps({"path": stored, "user": user_pk, "name": name}, salt=SALT)


def staged_claim(*, token, user_pk):
    """(path, name) of the staged file `token` names, if it is this user's, unexpired and still
    stored; None otherwise."""
    try:
        claim = signing.loads(token, salt=SALT, max_age=STAGED_MAX_AGE)
    except signing.BadSignature:
        return None
    path = claim.get("path", "")
    if (
        claim.get("user") != user_pk
        or not path.startswith(f"{STAGING_FOLDER}/")
        or ".." in path.split("/")
        or not private_storage().exists(path)
    ):
        return None
    return path, claim.get("name") or posixpath.basename(path)


def staged_delete(path) -> None:
    """Delete a staged file and its folder."""
    storage = private_storage()
    storage.delete(path)
    with contextlib.suppress(OSError):
        os.rmdir(storage.path(posixpath.dirname(path)))


def staged_clear(*, older_than=STAGED_MAX_AGE) -> int:
    """Delete the staged files older than `older_than` seconds; how many were deleted."""
    storage = private_storage()
    try:
        folders, _ = storage.listdir(STAGING_FOLDER)
    except FileNotFoundError:
        return 0
    cutoff = time.time() - older_than
    deleted = 0
    for folder in folders:
        _, files = storage.listdir(f"{STAGING_FOLDER}/{folder}")
        for file in files:
            path = f"{STAGING_FOLDER}/{folder}/{file}"
            if storage.get_modified_time(path).timestamp() < cutoff:
                staged_delete(path)
                deleted += 1
    return deleted


class StagedFileWidgetMixin:
    """A file input that also shows the file kept from the last submit, and carries its token."""

    kept = None  # (token, name)

    def render(self, name, value, attrs=None, renderer=None):
        html = super().render(name, value, attrs, renderer)
        if not self.kept:
            return html
        token, filename = self.kept
        remove_id = f"id_{name}{REMOVE_SUFFIX}"
        return format_html(
            '{}<p class="staged-upload"><input type="hidden" name="{}" value="{}">'
            "Kept: <strong>{}</strong> (saved with the form unless you choose another file) "
            '<input type="checkbox" name="{}" id="{}"> <label for="{}" class="vCheckboxLabel">'
            "Remove it</label></p>",
            html,
            f"{name}{TOKEN_SUFFIX}",
            token,
            filename,
            f"{name}{REMOVE_SUFFIX}",
            remove_id,
            remove_id,
        )


@functools.cache
def staged_widget_class(widget_class):
    """`widget_class` that also shows a kept file (made once per widget class)."""
    if issubclass(widget_class, StagedFileWidgetMixin):
        return widget_class
    return type(f"Staged{widget_class.__name__}", (StagedFileWidgetMixin, widget_class), {})


class StagedUploadsForm(forms.BaseForm):
    """A form whose valid new files survive its being refused (mixed into a ModelForm)."""

    staging_user_pk = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kept = {}
        self.used_staged = []
        for field in self.fields.values():
            if isinstance(field, forms.FileField):
                field.widget.__class__ = staged_widget_class(type(field.widget))
        if self.is_bound:
            self.staged_files_use()

    def staged_files_use(self):
        """Put each kept file in the form's files, unless a new one was chosen or it is removed."""
        files = None
        for name, field in self.fields.items():
            if not isinstance(field, forms.FileField):
                continue
            key = self.add_prefix(name)
            token = self.data.get(f"{key}{TOKEN_SUFFIX}")
            if not token or self.files.get(key):
                continue
            claim = staged_claim(token=token, user_pk=self.staging_user_pk)
            if claim is None:
                continue
            path, filename = claim
            if self.data.get(f"{key}{REMOVE_SUFFIX}"):
                staged_delete(path)
                continue
            with private_storage().open(path, "rb") as staged:
                upload = SimpleUploadedFile(filename, staged.read())
            files = files if files is not None else self.files.copy()
            files[key] = upload
            self.kept[name] = (token, filename)
            self.used_staged.append(path)
        if files is not None:
            self.files = files

    def full_clean(self):
        super().full_clean()
        if not self.is_bound:
            return
        if self._errors:
            self.staged_files_keep()
        elif self.used_staged:
            used = list(self.used_staged)
            transaction.on_commit(lambda: [staged_delete(path) for path in used])
        for name, kept in self.kept.items():
            self.fields[name].widget.kept = kept

    def staged_files_keep(self):
        """Keep each valid new file of a refused form, for the next submit."""
        for name, field in self.fields.items():
            if not isinstance(field, forms.FileField) or name in self.kept:
                continue
            upload = self.cleaned_data.get(name) if hasattr(self, "cleaned_data") else None
            if isinstance(upload, UploadedFile) and name not in self._errors:
                token = staged_store(upload=upload, user_pk=self.staging_user_pk)
                self.kept[name] = (token, posixpath.basename(upload.name))


def staged_uploads_form(form_class, *, user):
    """`form_class`, keeping its valid new files when it is refused, for `user` only."""
    return type(form_class.__name__, (StagedUploadsForm, form_class), {"staging_user_pk": user.pk})
