"""Preview links: a secret address that shows one unpublished item to a reviewer without an
account, read-only, until it expires (settings.PREVIEW_LINK_DAYS) or someone revokes it."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from editorial.models import PreviewLink


def preview_link_create(*, target, user) -> PreviewLink:
    now = timezone.now()
    return PreviewLink.objects.create(
        token=secrets.token_urlsafe(32),
        content_type=ContentType.objects.get_for_model(target),
        object_id=target.pk,
        created_by=user,
        created_at=now,
        expires_at=now + timedelta(days=settings.PREVIEW_LINK_DAYS),
    )


def preview_link_revoke(*, link: PreviewLink, user) -> bool:
    """Stop the link working now; False if it already had been revoked."""
    if link.revoked_at is not None:
        return False
    link.revoked_at = timezone.now()
    link.revoked_by = user
    link.save(update_fields=["revoked_at", "revoked_by"])
    return True
