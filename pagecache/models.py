from django.db import models
from django.utils import timezone


class Generation(models.Model):
    """One row: which version of the content pages are cached for, and since when. The shared
    cache holds a copy (pagecache.generation); this row is the fallback when it has none."""

    token = models.CharField(max_length=32)
    changed_at = models.DateTimeField(
        default=timezone.now, help_text="When something visitors see last changed."
    )

    def __str__(self):
        return self.token
