"""What search reads: one entry per item of content, and the synonyms staff keep."""

from django.contrib.postgres.search import SearchVectorExact
from django.db import models

from catalog.models import Publication
from editorial.models import PublishableQuerySet, Status

# What a visitor calls each kind of entry.
KIND_NAMES = {
    "publication": "Publication",
    "aimodel": "AI model",
    "topic": "Topic",
    "committee": "Committee",
    "person": "Person",
    "conversation": "Conversation",
    "stage": "Lifecycle stage",
    "practice": "Lifecycle practice",
    "evaluation": "Evaluation",
}


class DocumentField(models.Field):
    """PostgreSQL's tsvector, filtered with a SearchQuery (@@). Not SearchVectorField, whose
    check wants django.contrib.postgres installed on SQLite too, where FTS5 keeps the index."""

    def db_type(self, connection):
        return "tsvector" if connection.vendor == "postgresql" else "text"


DocumentField.register_lookup(SearchVectorExact)


class Entry(models.Model):
    """One item (a publication, an AI model, a person, …) as search finds it: its name, address
    and text, indexed in one table so that a match, a rank and a facet count read one row.

    Each item's status and date are copied here, so `Entry.objects.live()` is the same rule as
    the item's own; publications are always read through `Publication.objects.live()`.

    SQLite indexes the text in the FTS5 table `search_entry_fts`, kept in step by triggers;
    PostgreSQL in `document`, a weighted tsvector with a GIN index (see search.backends).
    """

    kind = models.CharField(max_length=20)
    object_id = models.PositiveBigIntegerField()
    publication = models.OneToOneField(
        Publication, null=True, on_delete=models.CASCADE, related_name="search_entry"
    )
    status = models.CharField(max_length=10, default=Status.PUBLISHED)
    published_at = models.DateTimeField()
    # A publication's kind and label, copied like its status and date, for the facets. The short
    # columns come first: SQLite reads a row's columns in order, the long texts last.
    publication_kind = models.CharField(max_length=20, blank=True)
    publication_label = models.CharField(max_length=20, blank=True)
    # What a "best match" card shows: the item's name and address.
    label = models.CharField(max_length=300)
    url = models.CharField(max_length=300)
    # Title ≫ AI-model, topic and other names ≫ summary ≫ body, in the engines' weights; the text
    # as written, so that what a result shows reads as its page does.
    title = models.TextField()
    names = models.TextField(blank=True)
    summary = models.TextField(blank=True)
    body = models.TextField(blank=True)
    document = DocumentField(null=True, editable=False)

    objects = PublishableQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "entries"
        constraints = [
            # object_id first: an index led by `kind` would tempt SQLite to read every
            # publication's entry and match each one on its own, not to ask FTS5 once.
            models.UniqueConstraint(fields=["object_id", "kind"], name="search_entry_unique")
        ]

    def __str__(self):
        return f"{self.kind_name}: {self.label}"

    @property
    def kind_name(self):
        return KIND_NAMES[self.kind]


class EntryMatch(models.Model):
    """SQLite's FTS5 table over the entries' text, read through the ORM: filtering `match` with a
    query string is FTS5's MATCH, `rank` is its bm25() with the column weights set on the table."""

    entry = models.OneToOneField(
        Entry,
        primary_key=True,
        db_column="rowid",
        on_delete=models.DO_NOTHING,
        related_name="match",
    )
    match = models.TextField(db_column="search_entry_fts")
    rank = models.FloatField()

    class Meta:
        managed = False
        db_table = "search_entry_fts"

    def __str__(self):
        return str(self.entry_id)


class Synonym(models.Model):
    """Words or phrases that mean the same to a visitor: a search for one finds them all."""

    terms = models.CharField(
        max_length=300,
        unique=True,
        help_text="Two or more words or phrases, separated by commas, e.g. "
        "“deepfakes, deep fakes”. A search for any of them finds the others too.",
    )

    class Meta:
        ordering = ["terms"]

    def __str__(self):
        return self.terms

    @property
    def variants(self):
        return [term.strip().lower() for term in self.terms.split(",") if term.strip()]
