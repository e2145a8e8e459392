"""Uploaded documents (PDF system cards): the rules an upload must pass, and the private
storage that keeps them where only a view that checks who is asking hands them out."""

import os
import posixpath

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models.fields.files import FieldFile
from pypdf import PdfReader
from pypdf.errors import DependencyError, FileNotDecryptedError


class PrivateStorage(FileSystemStorage):
    """Files under PRIVATE_MEDIA_ROOT, which no web server serves: they have no URL."""

    @property
    def base_location(self):
        return settings.PRIVATE_MEDIA_ROOT

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError(f"{name} is private: a view serves it, after checking who asks.")


_private_storage = PrivateStorage()


def private_storage():
    return _private_storage


def document_rules():
    return (
        f"A PDF of at most {settings.DOCUMENT_MAX_MB} MB. Visitors can open it once the "
        "publication is live."
    )


def pdf_check(file, *, name: str) -> None:
    """Refuse, naming the rule, anything that is too large or is not a PDF that parses.

    The first bytes must be the PDF signature, and pypdf must read the cross-reference table,
    the trailer and the page tree: renamed HTML, a truncated upload or junk after a
    `%PDF-` line all fail one of those.
    """
    label = f"“{posixpath.basename(name)}”"
    limit = settings.DOCUMENT_MAX_MB
    if file.size > limit * 1024 * 1024:
        raise ValidationError(
            f"{label} is larger than {limit} MB (it is {file.size / 1024 / 1024:.1f} MB).",
            code="document_too_large",
        )
    file.seek(0)
    if file.read(5) != b"%PDF-":
        raise ValidationError(
            f"{label} is not a PDF: its content does not start as a PDF’s does.",
            code="document_not_pdf",
        )
    file.seek(0)
    try:
        pages = len(PdfReader(file).pages)
    except DependencyError:
        # AES-encrypted with no password to open it: pypdf read its structure, and would need
        # the `cryptography` package only to decrypt the contents, which we do not need.
        pages = None
    except FileNotDecryptedError:
        raise ValidationError(
            f"{label} needs a password to open; upload a copy anyone can read.",
            code="document_encrypted",
        ) from None
    except Exception as error:
        raise ValidationError(
            f"{label} starts like a PDF but is damaged: it cannot be read ({error}).",
            code="document_damaged",
        ) from None
    finally:
        file.seek(0)
    if pages == 0:
        raise ValidationError(f"{label} is a PDF with no pages.", code="document_empty")


class PdfFormField(forms.FileField):
    def to_python(self, data):
        file = super().to_python(data)
        if file is not None:
            pdf_check(file, name=file.name)
        return file

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if isinstance(widget, forms.FileInput) and "accept" not in widget.attrs:
            attrs.setdefault("accept", "application/pdf,.pdf")
        return attrs


class DocumentFieldFile(FieldFile):
    @property
    def url(self):
        """The view that serves the document: the model's get_document_url()."""
        self._require_file()
        return self.instance.get_document_url()


class DocumentField(models.FileField):
    """A PDF kept in private storage; its url is the model's view, which checks who asks."""

    attr_class = DocumentFieldFile

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("storage", private_storage)
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        field = super().formfield(**{"form_class": PdfFormField, **kwargs})
        field.help_text = f"{field.help_text} {document_rules()}".strip()
        return field
