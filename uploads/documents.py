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
from django.utils.csp import CSP
from pypdf import PdfReader
from pypdf.errors import FileNotDecryptedError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

# Every document response's policy: nothing loads, nothing runs, no origin. Browsers show no PDF
# in a sandboxed document (their viewers will not run there), so documents are downloads.
DOCUMENT_CSP = {"default-src": [CSP.NONE], "sandbox": True}
# Entries that make a PDF reader run something: a JavaScript action or script (/JS, /S
# /JavaScript, the /JavaScript names tree), an XFA form (it carries scripts), actions run by
# themselves on opening, closing or focusing a page or field (/AA), and starting a program.
SCRIPT_KEYS = {"/JS", "/JavaScript", "/XFA", "/AA"}
SCRIPT_ACTIONS = {"/JavaScript", "/Launch"}
# Page content, resources and appearances can hold no action: not read, so a long document is
# checked in one pass over its structure.
ACTIONLESS_KEYS = {"/Contents", "/Resources", "/AP"}


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
        f"A PDF of at most {settings.DOCUMENT_MAX_MB} MB, with no JavaScript in it. Visitors "
        "can download it once the publication is live."
    )


def pdf_runs_anything(reader: PdfReader) -> bool:
    """Whether anything reachable from the document catalog is a script, an action that runs by
    itself, or one that starts a program: a reader opening the file would run them."""
    seen = set()
    pending = [reader.trailer.raw_get("/Root")]
    while pending:
        item = pending.pop()
        if isinstance(item, IndirectObject):
            if (item.idnum, item.generation) in seen:
                continue
            seen.add((item.idnum, item.generation))
            item = item.get_object()
        if isinstance(item, DictionaryObject):
            action = item.get("/S")
            if isinstance(action, IndirectObject):
                action = action.get_object()
            if SCRIPT_KEYS.intersection(item) or (
                isinstance(action, str) and action in SCRIPT_ACTIONS
            ):
                return True
            pending.extend(value for key, value in item.items() if key not in ACTIONLESS_KEYS)
        elif isinstance(item, ArrayObject):
            pending.extend(item)
    return False


def pdf_check(file, *, name: str) -> None:
    """Refuse, naming the rule, anything that is too large or is not a PDF that parses.

    The first bytes must be the PDF signature, and pypdf must read the cross-reference table,
    the trailer and the page tree: renamed HTML, a truncated upload or junk after a
    `%PDF-` line all fail one of those. Scripts are refused: whoever opens the file runs them.
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
        reader = PdfReader(file)
        pages = len(reader.pages)
        scripted = pdf_runs_anything(reader)
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
    if scripted:
        raise ValidationError(
            f"{label} contains JavaScript, or actions that run by themselves or start a "
            "program; upload a copy without them (printing it to a new PDF removes them).",
            code="document_scripted",
        )


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
