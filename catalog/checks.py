from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def secret_key_from_environment(app_configs, **kwargs):
    """A generated key works on one machine; several app servers must share one."""
    if settings.SECRET_KEY_FROM_ENVIRONMENT:
        return []
    return [
        Warning(
            "DJANGO_SECRET_KEY is not set, so a key generated into .secret_key is used.",
            hint="Set DJANGO_SECRET_KEY to the same long random value on every app server.",
            id="safetyhub.W001",
        )
    ]
