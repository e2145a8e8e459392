"""Keep the search index in step with catalog's content, inside the same transaction."""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver

from catalog.models import AIModel, AIModelAlias, Committee, Publication, Topic
from search.engine import search_index_update

# Their names are part of the index text of every publication linked to them.
NAMED = [AIModel, Topic, Committee]


def linked_publication_ids(instance):
    if isinstance(instance, AIModelAlias):
        instance = instance.model
    relation = {AIModel: "ai_models", Topic: "topics", Committee: "committees"}[type(instance)]
    return list(Publication.objects.filter(**{relation: instance}).values_list("pk", flat=True))


@receiver([post_save, post_delete], sender=Publication)
def publication_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        search_index_update(publication_ids=[instance.pk])


@receiver(m2m_changed, sender=Publication.ai_models.through)
@receiver(m2m_changed, sender=Publication.topics.through)
@receiver(m2m_changed, sender=Committee.publications.through)
def links_changed(sender, instance, action, pk_set, **kwargs):
    if isinstance(instance, Publication):
        if action.startswith("post_"):
            search_index_update(publication_ids=[instance.pk])
    elif action == "pre_clear":
        instance._search_unlinked = linked_publication_ids(instance)
    elif action == "post_clear":
        search_index_update(publication_ids=instance.__dict__.pop("_search_unlinked", []))
    elif action.startswith("post_"):
        search_index_update(publication_ids=pk_set or [])


@receiver(post_save, sender=AIModelAlias)
@receiver(post_delete, sender=AIModelAlias)
def alias_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        search_index_update(publication_ids=linked_publication_ids(instance))


def named_saved(sender, instance, raw=False, created=False, **kwargs):
    if not raw and not created:
        search_index_update(publication_ids=linked_publication_ids(instance))


def named_deleting(sender, instance, **kwargs):
    # The links go with the object, so note whom they linked before they do.
    instance._search_unlinked = linked_publication_ids(instance)


def named_deleted(sender, instance, **kwargs):
    search_index_update(publication_ids=instance.__dict__.pop("_search_unlinked", []))


for model in NAMED:
    post_save.connect(named_saved, sender=model, dispatch_uid=f"search-{model.__name__}-saved")
    pre_delete.connect(named_deleting, sender=model, dispatch_uid=f"search-{model.__name__}-del")
    post_delete.connect(named_deleted, sender=model, dispatch_uid=f"search-{model.__name__}-gone")
