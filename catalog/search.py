"""Full-text search over publications, in the database's own engine.

SQLite uses an FTS5 table (porter stemming), PostgreSQL a weighted tsvector table with GIN
indexes (english stemming). Both index every publication, drafts included, and every query
joins the index with `Publication.objects.live()`, so what a visitor finds follows the same
rule as every page: a draft is never found, and a scheduled item is found from its date on.
"""

import re
from dataclasses import dataclass, field
from functools import cached_property

from django.db import connection, transaction
from django.db.models import Count, Prefetch, Q
from django.db.models.expressions import RawSQL
from django.db.models.functions import ExtractYear, Lower
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from catalog.models import AIModel, Publication, Relation, Topic

MAX_QUERY_LENGTH = 500
MAX_TERMS = 32
# Private-use characters mark matches in snippets; they are replaced after escaping.
MARK_START, MARK_END = "\ue000", "\ue001"
# Column weights, most important first: title, AI models/topics/committees, summary, body.
SQLITE_WEIGHTS = "10.0, 5.0, 2.0, 1.0"


@dataclass(frozen=True)
class Term:
    text: str
    phrase: bool = False


@dataclass(frozen=True)
class ParsedQuery:
    """A visitor's search text: groups of alternatives that must all match, minus exclusions."""

    groups: tuple[tuple[Term, ...], ...] = ()
    excluded: tuple[Term, ...] = ()

    def __bool__(self):
        return bool(self.groups)

    def fts5(self):
        def quoted(term):
            return '"' + term.text.replace('"', '""') + '"'

        parts = ["(" + " OR ".join(quoted(term) for term in group) + ")" for group in self.groups]
        return " AND ".join(parts) + "".join(f" NOT {quoted(term)}" for term in self.excluded)

    def websearch(self):
        """The same query in PostgreSQL's websearch_to_tsquery syntax."""

        def written(term):
            return f'"{term.text}"' if term.phrase else term.text

        parts = [" OR ".join(written(term) for term in group) for group in self.groups]
        return " ".join(parts) + "".join(f" -{written(term)}" for term in self.excluded)

    @property
    def phrases(self):
        """Every wanted word or phrase, for spotting AI model and topic names."""
        return [term.text for group in self.groups for term in group]


TOKEN = re.compile(r'"[^"]*"?|\S+')
WORD = re.compile(r"\w+")


def query_parse(text: str) -> ParsedQuery:
    """Quoted phrases, OR between words, -word to exclude; everything else is plain words.

    Characters that are not letters or digits only separate words, so no search syntax of
    either engine (*, NEAR(, :, ^) can reach it.
    """
    groups, excluded, joining = [], [], False
    for token in TOKEN.findall(text.replace("\x00", " ")):
        if token == "OR":
            joining = bool(groups)
            continue
        negated = token.startswith("-") and len(token) > 1
        words = WORD.findall(token)
        if not words:
            continue
        # A quoted string, or a word with inner punctuation like gpt-5-thinking, is a phrase.
        term = Term(" ".join(words), phrase=len(words) > 1)
        if negated:
            excluded.append(term)
        elif joining:
            groups[-1] = (*groups[-1], term)
        else:
            groups.append((term,))
        joining = False
    return ParsedQuery(tuple(groups[:MAX_TERMS]), tuple(excluded[:MAX_TERMS]))


def index_texts(publication):
    """The four weighted texts of one publication."""
    names = [model.name for model in publication.ai_models.all()]
    names += [alias.name for model in publication.ai_models.all() for alias in model.aliases.all()]
    names += [topic.name for topic in publication.topics.all()]
    names += [committee.name for committee in publication.committees.all()]
    return publication.title, " ".join(names), publication.summary, publication.body


def indexable(publications):
    return publications.prefetch_related(
        Prefetch("ai_models", queryset=AIModel.objects.prefetch_related("aliases")),
        "topics",
        "committees",
    )


class SQLiteEngine:
    def delete(self, cursor, ids):
        cursor.execute(
            f"DELETE FROM catalog_search WHERE rowid IN ({', '.join(['%s'] * len(ids))})", ids
        )

    def insert(self, cursor, rows):
        cursor.executemany(
            "INSERT INTO catalog_search (rowid, title, entities, summary, body) "
            "VALUES (%s, %s, %s, %s, %s)",
            rows,
        )

    def matching_ids(self, query):
        return RawSQL(
            "SELECT rowid FROM catalog_search WHERE catalog_search MATCH %s", [query.fts5()]
        )

    def ranked_ids(self, query, publications, limit, offset):
        sql, params = publications.values("id", "published_at").query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT p.id FROM catalog_search JOIN ({sql}) p ON p.id = catalog_search.rowid "
                "WHERE catalog_search MATCH %s "
                f"ORDER BY bm25(catalog_search, {SQLITE_WEIGHTS}), p.published_at DESC "
                "LIMIT %s OFFSET %s",
                [*params, query.fts5(), limit, offset],
            )
            return [row[0] for row in cursor.fetchall()]

    def snippets(self, query, ids):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT rowid, snippet(catalog_search, -1, %s, %s, '…', 24) FROM catalog_search "
                f"WHERE catalog_search MATCH %s AND rowid IN ({', '.join(['%s'] * len(ids))})",
                [MARK_START, MARK_END, query.fts5(), *ids],
            )
            return dict(cursor.fetchall())


class PostgreSQLEngine:
    def delete(self, cursor, ids):
        cursor.execute("DELETE FROM catalog_search WHERE publication_id = ANY(%s)", [list(ids)])

    def insert(self, cursor, rows):
        # PostgreSQL's parser reads gpt-5-nano as gpt, -5, nano; split words as queries do.
        rows = [(pk, *(" ".join(WORD.findall(text)) for text in texts)) for pk, *texts in rows]
        cursor.executemany(
            "INSERT INTO catalog_search (publication_id, document) VALUES (%s, "
            "setweight(to_tsvector('english', %s), 'A') || "
            "setweight(to_tsvector('english', %s), 'B') || "
            "setweight(to_tsvector('english', %s), 'C') || "
            "setweight(to_tsvector('english', %s), 'D'))",
            rows,
        )

    def matching_ids(self, query):
        return RawSQL(
            "SELECT publication_id FROM catalog_search "
            "WHERE document @@ websearch_to_tsquery('english', %s)",
            [query.websearch()],
        )

    def ranked_ids(self, query, publications, limit, offset):
        sql, params = publications.values("id", "published_at").query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT p.id FROM catalog_search s JOIN ({sql}) p ON p.id = s.publication_id, "
                "websearch_to_tsquery('english', %s) q WHERE s.document @@ q "
                "ORDER BY ts_rank(s.document, q) DESC, p.published_at DESC LIMIT %s OFFSET %s",
                [*params, query.websearch(), limit, offset],
            )
            return [row[0] for row in cursor.fetchall()]

    def snippets(self, query, ids):
        options = f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords=30, MinWords=12"
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, ts_headline('english', summary || ' ' || body, "
                "websearch_to_tsquery('english', %s), %s) "
                "FROM catalog_publication WHERE id = ANY(%s)",
                [query.websearch(), options, list(ids)],
            )
            return dict(cursor.fetchall())


def engine():
    return PostgreSQLEngine() if connection.vendor == "postgresql" else SQLiteEngine()


def highlighted(snippet: str) -> SafeString:
    """Escape the snippet's text, then turn the match marks into <mark> elements."""
    text = escape(snippet).replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")
    return mark_safe(text)


def search_index_update(*, publication_ids) -> None:
    """Bring the index rows of these publications in line with the database."""
    ids = sorted(set(publication_ids))
    if not ids:
        return
    search = engine()
    with transaction.atomic(), connection.cursor() as cursor:
        for start in range(0, len(ids), 1000):
            batch = ids[start : start + 1000]
            search.delete(cursor, batch)
            publications = indexable(Publication.objects.filter(pk__in=batch))
            search.insert(cursor, [(p.pk, *index_texts(p)) for p in publications])


def search_index_rebuild(*, progress=None, batch_size=2000) -> int:
    """Index every publication again, from scratch."""
    search = engine()
    ids = list(Publication.objects.order_by("pk").values_list("pk", flat=True))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM catalog_search")
        for start in range(0, len(ids), batch_size):
            batch = ids[start : start + batch_size]
            publications = indexable(Publication.objects.filter(pk__in=batch))
            search.insert(cursor, [(p.pk, *index_texts(p)) for p in publications])
            if progress:
                progress(min(start + batch_size, len(ids)), len(ids))
    return len(ids)


def quick_matches(text: str, query: ParsedQuery):
    """Live AI models (by name or alias) and topics named by the search text or one of its terms."""
    names = {name.lower() for name in query.phrases}
    names |= {token.strip('"').lower() for token in TOKEN.findall(text)}
    names |= {" ".join(query.phrases).lower(), text.strip().lower()}
    models = (
        AIModel.objects.live()
        .annotate(name_lower=Lower("name"), alias_lower=Lower("aliases__name"))
        .filter(Q(name_lower__in=names) | Q(alias_lower__in=names))
        .distinct()
        .order_by("name")
    )
    topics = Topic.objects.live().annotate(name_lower=Lower("name")).filter(name_lower__in=names)
    return list(models), list(topics)


@dataclass
class Filters:
    """What a visitor narrowed the search to: OR within one facet, AND between facets."""

    ai_models: list = field(default_factory=list)
    topics: list = field(default_factory=list)
    kinds: list = field(default_factory=list)
    labels: list = field(default_factory=list)
    years: list = field(default_factory=list)
    related: bool = True

    @cached_property
    def model_ids(self):
        """The chosen models, with their family members and the models based on them."""
        ids = {model.pk for model in self.ai_models}
        if self.related and ids:
            related = AIModel.objects.filter(
                Q(family__in=ids) | Q(lineage__source__in=ids, lineage__relation=Relation.BASED_ON)
            )
            ids |= set(related.values_list("pk", flat=True))
        return ids

    def apply(self, publications, *, query=None, skip=None):
        """Narrow live publications by every facet but `skip`, and by the search text."""
        links = Publication.ai_models.through.objects
        if self.ai_models and skip != "model":
            about = links.filter(aimodel__in=self.model_ids).values("publication_id")
            publications = publications.filter(pk__in=about)
        if self.topics and skip != "topic":
            tagged = Publication.topics.through.objects.filter(topic__in=self.topics)
            publications = publications.filter(pk__in=tagged.values("publication_id"))
        if self.kinds and skip != "kind":
            publications = publications.filter(kind__in=self.kinds)
        if self.labels and skip != "label":
            publications = publications.filter(label__in=self.labels)
        if self.years and skip != "year":
            publications = publications.filter(published_at__year__in=self.years)
        if query:
            publications = publications.filter(pk__in=engine().matching_ids(query))
        return publications


class RankedResults:
    """Live publications matching a search, best first, fetched one page at a time."""

    def __init__(self, query: ParsedQuery, filters: Filters):
        self.query, self.filters = query, filters
        self.narrowed = filters.apply(Publication.objects.live())

    def count(self):
        return self.filters.apply(Publication.objects.live(), query=self.query).count()

    def __len__(self):
        return self.count()

    def __getitem__(self, page):
        limit, offset = page.stop - page.start, page.start
        if self.query:
            ids = engine().ranked_ids(self.query, self.narrowed, limit, offset)
        else:
            newest = self.narrowed.order_by("-published_at", "-pk").values_list("pk", flat=True)
            ids = list(newest[offset : offset + limit])
        found = (
            Publication.objects.live()
            .prefetch_related(
                Prefetch("ai_models", queryset=AIModel.objects.live().only("name", "slug"))
            )
            .in_bulk(ids)
        )
        snippets = engine().snippets(self.query, ids) if self.query and ids else {}
        results = [found[pk] for pk in ids if pk in found]
        for publication in results:
            publication.snippet = highlighted(snippets.get(publication.pk) or "")
        return results


def facet_counts(query: ParsedQuery, filters: Filters):
    """For each facet, how many results each value would give, keeping the other facets."""
    live = Publication.objects.live()

    def narrowed(skip):
        return filters.apply(live, query=query, skip=skip)

    links = Publication.ai_models.through.objects
    topic_links = Publication.topics.through.objects
    return {
        "model": dict(
            links.filter(publication__in=narrowed("model"))
            .values_list("aimodel")
            .annotate(count=Count("publication"))
        ),
        "topic": dict(
            topic_links.filter(publication__in=narrowed("topic"))
            .values_list("topic")
            .annotate(count=Count("publication"))
        ),
        "kind": dict(narrowed("kind").values_list("kind").annotate(count=Count("pk")).order_by()),
        "label": dict(
            narrowed("label")
            .exclude(label="")
            .values_list("label")
            .annotate(count=Count("pk"))
            .order_by()
        ),
        "year": dict(
            narrowed("year")
            .annotate(year=ExtractYear("published_at"))
            .values_list("year")
            .annotate(count=Count("pk"))
            .order_by()
        ),
    }
