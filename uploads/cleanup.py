"""Files nobody points to any more are deleted: the old file (and an image's renditions) once
a new one replaces it or the field is cleared, and every file of a row once the row is deleted.

Deleted only after the transaction commits: a save or delete that is rolled back keeps them.
A file another row still names (a copied row) is kept.
"""

from django.apps import apps
from django.db import models, transaction
from django.db.models.signals import post_delete, post_save, pre_save

from uploads.images import UploadedImageField, renditions_delete


def file_fields(model):
    return [field for field in model._meta.concrete_fields if isinstance(field, models.FileField)]


def file_delete(*, model, field, name) -> None:
    """Delete the stored file `name` of `field`, and its renditions, unless a row names it."""
    if not name or model._base_manager.filter(**{field.attname: name}).exists():
        return
    storage = field.storage
    storage.delete(name)
    if isinstance(field, UploadedImageField):
        renditions_delete(name=name, storage=storage)


def files_delete_on_commit(*, model, files, using) -> None:
    def delete():
        for field, name in files:
            file_delete(model=model, field=field, name=name)

    if files:
        transaction.on_commit(delete, using=using)


def stored_names_remember(sender, instance, raw=False, **kwargs):
    """Before a save: the file names the row has in the database now."""
    fields = file_fields(sender)
    if raw or instance._state.adding or instance.pk is None or not fields:
        return
    names = (
        sender._base_manager.filter(pk=instance.pk)
        .values_list(*(field.attname for field in fields))
        .first()
    )
    if names is not None:
        instance._stored_file_names = dict(zip((f.attname for f in fields), names, strict=True))


def replaced_files_delete(sender, instance, raw=False, using=None, **kwargs):
    stored = instance.__dict__.pop("_stored_file_names", None)
    if raw or not stored:
        return
    replaced = [
        (field, stored[field.attname])
        for field in file_fields(sender)
        if stored[field.attname] and stored[field.attname] != getattr(instance, field.attname).name
    ]
    files_delete_on_commit(model=sender, files=replaced, using=using)


def deleted_row_files_delete(sender, instance, using=None, **kwargs):
    files = [(field, getattr(instance, field.attname).name) for field in file_fields(sender)]
    files_delete_on_commit(
        model=sender, files=[(f, name) for f, name in files if name], using=using
    )


def file_cleanup_connect() -> None:
    """Watch every installed model with a file field."""
    for model in apps.get_models():
        if file_fields(model):
            uid = f"uploads.cleanup.{model._meta.label}"
            pre_save.connect(stored_names_remember, sender=model, dispatch_uid=uid)
            post_save.connect(replaced_files_delete, sender=model, dispatch_uid=uid)
            post_delete.connect(deleted_row_files_delete, sender=model, dispatch_uid=uid)
