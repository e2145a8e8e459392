from django.db import models


class Generation(models.Model):
    """One row: which version of the content pages are cached for, and when it next changes."""

    token = models.CharField(max_length=32)
    next_change_known = models.BooleanField(default=False)
    next_change_at = models.DateTimeField(
        null=True,
        help_text="When the earliest scheduled item goes live; pages cached before then expire.",
    )

    def __str__(self):
        return self.token
