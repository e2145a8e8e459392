from django.db import migrations

INDEX = "catalog_publication_practices_practice_publication"


class Migration(migrations.Migration):
    """A practice's page reads the keys of its publications from the link table: with the
    practice and the publication in one index the database answers from the index alone (the
    committees' link table has such an index already: its unique constraint)."""

    dependencies = [
        ("catalog", "0008_search_pairs"),
    ]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX {INDEX} ON catalog_publication_practices (practice_id, publication_id)",
            reverse_sql=f"DROP INDEX {INDEX}",
        ),
    ]
