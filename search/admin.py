"""Synonyms for staff to edit, and the publication list's search box on the search index."""

from django.contrib import admin

from catalog.models import Publication
from search.backends import backend
from search.models import Entry, Synonym
from search.query import query_parse


@admin.register(Synonym)
class SynonymAdmin(admin.ModelAdmin):
    list_display = ["terms"]
    search_fields = ["terms"]


def synonyms():
    return [synonym.variants for synonym in Synonym.objects.all()]


# Catalog knows nothing of search, so its publication admin is extended here (catalog's admin
# module is loaded first: it comes first in INSTALLED_APPS).
PublicationAdmin = type(admin.site.get_model_admin(Publication))


class PublicationSearchAdmin(PublicationAdmin):
    search_help_text = "Words of the title, names, summary or text; “quotes” for a phrase."

    def get_search_results(self, request, queryset, search_term):
        """Every word (or a synonym of it) must match, in any status: staff find drafts too."""
        query = query_parse(search_term, synonyms())
        if not query:
            return queryset, False
        # A subquery, matched once: joined, SQLite would match each row of the page's order.
        entries = backend().match(Entry.objects.filter(kind="publication"), query)
        return queryset.filter(pk__in=entries.values("publication_id")), False


admin.site.unregister(Publication)
admin.site.register(Publication, PublicationSearchAdmin)
