"""The workflow's base for every app's content (a status and a publication date), and what the
workflow keeps beside the content: preview links and moved addresses."""

import re
from urllib.parse import unquote

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

# Browsers skip these inside an address, and read a backslash as a slash.
NOT_IN_A_PATH = re.compile(r"[\s\x00-\x1f\x7f\\]")


def is_site_path(link):
    """Whether a link is a path on this site as a browser reads it, encoded or not: one leading
    slash, no scheme, no backslash, space or control character (a browser takes `/\\evil.example/`
    or a slash, a tab and `/evil.example` to another site)."""
    return all(
        text.startswith("/") and not text.startswith("//") and not NOT_IN_A_PATH.search(text)
        for text in (link, unquote(link))
    )


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    REVIEW = "review", "In review"
    PUBLISHED = "published", "Published"
    ARCHIVED = "archived", "Archived"


class PublishableQuerySet(models.QuerySet):
    def live(self):
        """What a visitor may see: published, and dated now or earlier."""
        return self.filter(status=Status.PUBLISHED, published_at__lte=timezone.now())


class Publishable(models.Model):
    """Editorial state shared by everything a visitor can open on its own page."""

    status = models.CharField(
        max_length=12,
        choices=Status.choices,
        default=Status.DRAFT,
        db_index=True,
        help_text="Only published items appear on the site, and only from their publication date.",
    )
    published_at = models.DateTimeField(
        "publication date",
        default=timezone.now,
        db_index=True,
        help_text="Shown to visitors. A date in the future schedules the item: it goes live then.",
    )

    objects = PublishableQuerySet.as_manager()

    class Meta:
        abstract = True


class PreviewLinkQuerySet(models.QuerySet):
    def active(self):
        """Links that still open their item: not revoked, not expired."""
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())

    def for_object(self, obj):
        return self.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)


class PreviewLink(models.Model):
    """A secret address showing one unpublished item, read-only, to someone without an account."""

    token = models.CharField(max_length=64, unique=True, editable=False)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, editable=False)
    object_id = models.PositiveBigIntegerField(editable=False)
    target = GenericForeignKey("content_type", "object_id")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField(help_text="The link stops working at this moment.")
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    objects = PreviewLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="previewlink_target_idx")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")),
                name="previewlink_expires_after_creation",
            )
        ]

    def __str__(self):
        return f"Preview of {self.target or 'a deleted item'}"

    def get_absolute_url(self):
        return reverse("editorial:preview_link", args=[self.token])

    def get_document_url(self):
        """The previewed publication's PDF, for whoever holds this link."""
        return reverse("editorial:preview_link_document", args=[self.token])

    @property
    def is_active(self):
        return self.revoked_at is None and self.expires_at > timezone.now()


class Redirect(models.Model):
    """An address that used to show a page: visitors are sent on (301), or told it is gone (410).

    Written when a live item's slug changes or a live item is deleted (editorial/redirects.py);
    consulted only when nothing else answers the address, so a new item there wins.
    """

    old_path = models.CharField(
        max_length=300, unique=True, help_text="The old address, e.g. /publications/old-slug/."
    )
    new_path = models.CharField(
        max_length=300,
        blank=True,
        help_text="Where the page lives now. Empty: it was deleted, and visitors get “410 Gone”.",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["old_path"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(old_path=models.F("new_path")), name="redirect_not_to_itself"
            )
        ]

    def __str__(self):
        return f"{self.old_path} → {self.new_path or 'gone'}"

    def clean(self):
        # new_path goes out as a Location: anything but a path here (//evil.example) would make
        # the site an open redirect.
        errors = {
            name: "Use a path on this site, starting with a single /, e.g. /publications/."
            for name in ("old_path", "new_path")
            if getattr(self, name) and not is_site_path(getattr(self, name))
        }
        if errors:
            raise ValidationError(errors)


class DraftState(models.TextChoices):
    PENDING = "pending", "Draft changes pending"
    REVIEW = "review", "In review"
    PUBLISHED = "published", "Published"
    DISCARDED = "discarded", "Discarded"
    REPLACED = "replaced", "Replaced by a later save"


# A draft still waiting for a publisher.
OPEN_DRAFT_STATES = [DraftState.PENDING, DraftState.REVIEW]


class DraftQuerySet(models.QuerySet):
    def open(self):
        return self.filter(state__in=OPEN_DRAFT_STATES)

    def for_object(self, obj):
        return self.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)


class Draft(models.Model):
    """One save of changes to a published item, kept beside it (editorial/drafts.py).

    The changes themselves are a django-reversion revision, as every save in the admin is; the
    live row, and so everything visitors see, stays as it was until a publisher publishes the
    draft. Each save of the draft is a row of its own, the earlier one then "replaced": the
    history shows them all. At most one draft of an item is open (pending or in review).
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, editable=False)
    object_id = models.PositiveBigIntegerField(editable=False)
    target = GenericForeignKey("content_type", "object_id")
    revision = models.OneToOneField(
        "reversion.Revision", on_delete=models.CASCADE, related_name="draft", editable=False
    )
    state = models.CharField(
        max_length=12, choices=DraftState.choices, default=DraftState.PENDING, db_index=True
    )
    # A digest of the live item when the draft was saved: publishing warns if it changed since.
    based_on = models.CharField(max_length=64, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = DraftQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="draft_target_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"],
                condition=Q(state__in=OPEN_DRAFT_STATES),
                name="draft_one_open_per_item",
            )
        ]

    def __str__(self):
        return f"Draft of {self.target or 'a deleted item'} ({self.get_state_display().lower()})"

    @property
    def is_open(self):
        return self.state in OPEN_DRAFT_STATES
