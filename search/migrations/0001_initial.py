"""Search's own index, replacing the raw tables and functions catalog's migrations made.

SQLite: search_entry_fts, an FTS5 table over search_entrytext (porter stemming; bm25 weights title
10, names 5, summary 2, body 1), and search_word_fts, an unstemmed one of the titles whose words
(search_word_vocab) are the vocabulary of "Did you mean"; triggers keep both in step with
search_entrytext. PostgreSQL: a GIN index on the weighted tsvector `document`, and pg_trgm with a
GIN trigram index on the titles. The entries are made by 0003_index. Their text is a table of
its own (search_entrytext): joining an entry then reads a short row, not pages of body.
"""

import django.db.models.deletion
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

import search.models

OLD = [
    "DROP TABLE IF EXISTS catalog_search",
    "DROP TABLE IF EXISTS catalog_search_places",
    "DROP TABLE IF EXISTS catalog_search_facets",
]
OLD_POSTGRESQL = [
    "DROP FUNCTION IF EXISTS catalog_search_keys(text, tsquery, bigint[])",
    "DROP FUNCTION IF EXISTS catalog_search_words(text, tsquery, bigint[])",
    "DROP FUNCTION IF EXISTS catalog_search_terms(text[])",
]
COLUMNS = ["title", "names", "summary", "body"]


def fts5(table, columns, tokenize, content="search_entrytext", rowid="entry_id"):
    return (
        f"CREATE VIRTUAL TABLE {table} USING fts5({', '.join(columns)}, "
        f"content='{content}', content_rowid='{rowid}', tokenize='{tokenize}')"
    )


def trigger(event, table, columns, content="search_entrytext", rowid="entry_id"):
    values = ", ".join(columns)
    new = ", ".join(f"new.{column}" for column in columns)
    old = ", ".join(f"old.{column}" for column in columns)
    delete = f"INSERT INTO {table}({table}, rowid, {values}) VALUES ('delete', old.{rowid}, {old});"
    insert = f"INSERT INTO {table}(rowid, {values}) VALUES (new.{rowid}, {new});"
    body = {"insert": insert, "delete": delete, "update": delete + " " + insert}[event]
    # An update of other columns (a status, a date) leaves the text, and the index, as it was.
    on = f"UPDATE OF {values}" if event == "update" else event.upper()
    return f"CREATE TRIGGER {table}_{event} AFTER {on} ON {content} BEGIN {body} END"


SQLITE = [
    fts5("search_entry_fts", COLUMNS, "porter unicode61 remove_diacritics 2"),
    "INSERT INTO search_entry_fts(search_entry_fts, rank) "
    "VALUES ('rank', 'bm25(10.0, 5.0, 2.0, 1.0)')",
    fts5("search_word_fts", ["title"], "unicode61 remove_diacritics 2"),
    "CREATE VIRTUAL TABLE search_word_vocab USING fts5vocab(search_word_fts, 'row')",
    *(trigger(event, "search_entry_fts", COLUMNS) for event in ["insert", "delete", "update"]),
    *(trigger(event, "search_word_fts", ["title"]) for event in ["insert", "delete", "update"]),
]
POSTGRESQL = [
    "CREATE INDEX search_entrytext_document ON search_entrytext USING gin (document)",
    "CREATE INDEX search_entrytext_title ON search_entrytext USING gin (title gin_trgm_ops)",
]


def index_create(apps, schema_editor):
    postgresql = schema_editor.connection.vendor == "postgresql"
    for statement in OLD + (OLD_POSTGRESQL + POSTGRESQL if postgresql else SQLITE):
        schema_editor.execute(statement, params=None)


def index_drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for table in ["search_word_vocab", "search_word_fts", "search_entry_fts"]:
            schema_editor.execute(f"DROP TABLE IF EXISTS {table}")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("catalog", "0015_move_evaluations_out"),
        ("evaluations", "0002_content_types"),
    ]

    operations = [
        TrigramExtension(),
        migrations.CreateModel(
            name="Entry",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("kind", models.CharField(max_length=20)),
                ("object_id", models.PositiveBigIntegerField()),
                (
                    "publication",
                    models.OneToOneField(
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="search_entry",
                        to="catalog.publication",
                    ),
                ),
                ("status", models.CharField(default="published", max_length=10)),
                ("published_at", models.DateTimeField()),
                ("label", models.CharField(max_length=300)),
                ("url", models.CharField(max_length=300)),
            ],
            options={
                "verbose_name_plural": "entries",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("kind", "object_id"), name="search_entry_unique"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="EntryText",
            fields=[
                (
                    "entry",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="text",
                        serialize=False,
                        to="search.entry",
                    ),
                ),
                ("title", models.TextField()),
                ("names", models.TextField(blank=True)),
                ("summary", models.TextField(blank=True)),
                ("body", models.TextField(blank=True)),
                ("document", search.models.DocumentField(editable=False, null=True)),
            ],
        ),
        migrations.CreateModel(
            name="EntryMatch",
            fields=[
                (
                    "entry",
                    models.OneToOneField(
                        db_column="rowid",
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="match",
                        serialize=False,
                        to="search.entry",
                    ),
                ),
                ("match", models.TextField(db_column="search_entry_fts")),
                ("rank", models.FloatField()),
            ],
            options={"db_table": "search_entry_fts", "managed": False},
        ),
        migrations.CreateModel(
            name="Synonym",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "terms",
                    models.CharField(
                        help_text="Two or more words or phrases, separated by commas, e.g. "
                        "“deepfakes, deep fakes”. A search for any of them finds the others too.",
                        max_length=300,
                        unique=True,
                    ),
                ),
            ],
            options={"ordering": ["terms"]},
        ),
        migrations.RunPython(index_create, index_drop),
    ]
