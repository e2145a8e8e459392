"""Full-text search over publications, in the database's own engine, with facets counted as sets.

The database's full-text engine answers one question: which publications match this text
(anywhere, or in one place: title, names, summary). SQLite answers from FTS5 tables (porter
stemming), PostgreSQL from GIN-indexed tsvectors (english stemming), and both answer with a bit
set: bit n stands for publication n. The rest is arithmetic on the `FacetSets` of the content's
current generation: which publications are live (and in what order, newest first), and which
are of each kind, label and year, about each AI model and topic. Counting a facet is then an AND
and a bit count per value, however many publications match, and a page of results is picked from
the newest-first order.

The sets are read once per generation of the content (pagecache.generation): every change to
the content starts a new generation in the same transaction, and so does a scheduled item going
live. So the sets follow the one rule of what a visitor may see, `Publication.objects.live()`:
a draft is never found, a scheduled item is found from its date on, and an edit shows at once.
"""

import re
import sys
import unicodedata
from array import array
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from itertools import combinations, pairwise

import numpy as np
from django.db import connection, transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from catalog.models import (
    AIModel,
    AIModelAlias,
    ModelLineage,
    Publication,
    Relation,
    Topic,
)
from pagecache.generation import generation_current, generation_end


def fetch(sql, params=()) -> list[tuple]:
    """The rows of a written-out query to the engine's tables."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def marks(values) -> str:
    """Placeholders for a list of values in SQL."""
    return ", ".join(["%s"] * len(values))


MAX_QUERY_LENGTH = 500
MAX_TERMS = 32
# Private-use characters mark matches in snippets; they are replaced after escaping.
MARK_START, MARK_END = "\ue000", "\ue001"
# Where a match ranks a result, best first: every word of the text in the title, one of them in
# the title, in the names of its AI models, topics and committees, in the summary; then the
# body. Within each place the newest publication comes first.
PLACES = [("title", True), ("title", False), ("entities", False), ("summary", False)]
FACETS = ["model", "topic", "kind", "label", "year"]
# Up to how many of the newest results are ranked first, in the hope that they fill the page.
NEWEST_TESTED = 500


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

    @property
    def terms(self):
        """Every wanted word or phrase."""
        return [term for group in self.groups for term in group]

    def fts5(self, column=None, every=True, pairs=False):
        """The query in FTS5 syntax; with a column, whether every group (or any term) is in it.

        With `pairs`, a phrase is looked for as itself in the title, names and summary, and as
        its pairs of neighbouring words in the body (see SQLiteEngine).
        """

        def quoted(term):
            text = '"' + term.text.replace('"', '""') + '"'
            if pairs and term.phrase:
                in_body = " AND ".join(pair_words(term.text))
                return f"({{title entities summary}} : {text} OR ({in_body}))"
            return text

        def either(terms):
            return "(" + " OR ".join(quoted(term) for term in terms) + ")"

        if column:
            inside = " AND ".join(either(group) for group in self.groups) if every else None
            return f"{{{column}}} : ({inside or either(self.terms)})"
        parts = [either(group) for group in self.groups]
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
        return [term.text for term in self.terms]


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


# Bit sets are Python ints: bit n stands for the publication with primary key n. NumPy turns
# lists of keys into sets and back without a Python step per key (tens of thousands a search).
WORD_MASK = (1 << 64) - 1


def bits_of(ids) -> int:
    """The set of these primary keys (ints, or a NumPy array of them)."""
    keys = ids if isinstance(ids, np.ndarray) else np.fromiter(ids, dtype=np.int64)
    if not keys.size:
        return 0
    flags = np.zeros(int(keys.max()) + 1, dtype=np.uint8)
    flags[keys] = 1
    return int.from_bytes(np.packbits(flags, bitorder="little").tobytes(), "little")


def keys_listed(text) -> np.ndarray:
    """The keys of a comma-separated list, as SQLite's group_concat and PostgreSQL's string_agg
    give them."""
    return np.fromstring(text or "", dtype=np.int64, sep=",")


def key_flags(bits: int) -> np.ndarray:
    """A byte per key, 1 for the keys in the set: byte n stands for key n."""
    data = np.frombuffer(bits.to_bytes((bits.bit_length() + 7) // 8, "little"), dtype=np.uint8)
    return np.unpackbits(data, bitorder="little")


def bits_from_words(rows) -> int:
    """The set sent as (n, word) rows, word n holding the bits of keys 64n to 64n + 63."""
    if not rows:
        return 0
    words = array("Q", bytes(8 * (max(n for n, _ in rows) + 1)))
    for n, word in rows:
        words[n] = int(word) & WORD_MASK  # the database's words are signed
    if sys.byteorder == "big":
        words.byteswap()
    return int.from_bytes(words.tobytes(), "little")


def signed(word: int) -> int:
    """A 64-bit word as the databases hold it: a signed number."""
    return word - (1 << 64) if word >> 63 else word


def bit_word(pk: int) -> int:
    """The bit of a key in its 64-bit word."""
    return signed(1 << (pk & 63))


def bytes_of(bits: int) -> bytes:
    """A set as a byte per key, 1 for the keys in it: byte n stands for key n."""
    return key_flags(bits).tobytes()


def bits_members(bits: int) -> list[int]:
    """The primary keys in a set, smallest first."""
    return np.flatnonzero(key_flags(bits)).tolist()


def index_texts(publication):
    """The four weighted texts of one publication."""
    names = [model.name for model in publication.ai_models.all()]
    names += [alias.name for model in publication.ai_models.all() for alias in model.aliases.all()]
    names += [topic.name for topic in publication.topics.all()]
    names += [committee.name for committee in publication.committees.all()]
    return publication.title, " ".join(names), publication.summary, publication.body


def index_facets(publication):
    """The publication's (facet, value) pairs: its kind, label, year, AI models and topics."""
    return [
        ("kind", publication.kind),
        ("label", publication.label),
        ("year", str(timezone.localtime(publication.published_at).year)),
        *(("model", str(model.pk)) for model in publication.ai_models.all()),
        *(("topic", str(topic.pk)) for topic in publication.topics.all()),
    ]


def facet_token(facet, value):
    """A word that stands for a facet value in the full-text index, e.g. zzmodel17."""
    return "zz" + facet + re.sub(r"[^0-9a-z]", "", str(value).lower())


PAIR_WORD = re.compile(r"[^\W_]+")  # a word as FTS5's unicode61 tokenizer splits text


def pair_words(text) -> list[str]:
    """Each pair of neighbouring words as one word of the index, e.g. zzpairredteaming."""
    words = PAIR_WORD.findall(unicodedata.normalize("NFC", text).lower())
    return [f"zzpair{first}{second}" for first, second in pairwise(words)]


def may_be_facet_word(term):
    """Whether a term might be read by FTS5 as a facet value's word (zz...): after folding
    (a "ž" is a "z" to the index) one of its words starts with zz."""
    letters = unicodedata.normalize("NFKD", term.text)
    folded = "".join(c for c in letters if not unicodedata.combining(c)).casefold()
    return any(word.startswith("zz") for word in re.split(r"[\W_]+", folded))


def indexable(publications):
    return publications.prefetch_related(
        Prefetch("ai_models", queryset=AIModel.objects.prefetch_related("aliases")),
        "topics",
        "committees",
    )


class SQLiteEngine:
    """An FTS5 table of the four texts, of words for the facet values (zzmodel17) and of the
    body's pairs of neighbouring words (zzpairredteaming), and one of the title, names and
    summary alone.

    A phrase is looked for in the body as its pairs (as PostgreSQL's vectors hold them): FTS5
    checks a phrase by reading where each of its words is in every document that has them all,
    which in long bodies took ten times as long as finding the documents ("prompt injection"
    at 100,000 publications: 21 ms against 2). The stemmer sees a pair as one word, so only its
    second word is stemmed: "red teams" finds "red teaming", "systems card" is not "system card".

    Which publications have a word in their title (for ranking) is asked of the second, whose
    lists of where each word is are short: in the first, a word common in bodies has a long one.
    """

    TABLES = {"title": "catalog_search_places", "entities": "catalog_search_places"}
    TABLES |= {"summary": "catalog_search_places", "body": "catalog_search", None: "catalog_search"}
    COLUMNS = {"title": 0, "entities": 1, "summary": 2, "body": 3}
    # Up to how many publications a match is narrowed to in the query, not after it.
    FEW = 20_000
    # Not worth it here: a match reads every publication's match, however few are asked about.
    RANKS_AMONG_NEWEST = False
    # A table of this connection alone, for asking about a few texts.
    SCRATCH, SCRATCH_NAME = "temp.catalog_search_parts", "catalog_search_parts"

    def __init__(self):
        self.scratch_made = False

    def clear(self, cursor):
        cursor.execute("DELETE FROM catalog_search")
        cursor.execute("DELETE FROM catalog_search_places")

    def delete(self, cursor, ids):
        placeholders = ", ".join(["%s"] * len(ids))
        for table in ["catalog_search", "catalog_search_places"]:
            cursor.execute(f"DELETE FROM {table} WHERE rowid IN ({placeholders})", ids)

    def insert(self, cursor, rows):
        """Rows of (key, title, names, summary, body, (facet, value) pairs)."""
        cursor.executemany(
            "INSERT INTO catalog_search (rowid, title, entities, summary, body, facets, pairs) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s)",
            [
                (
                    *row[:5],
                    " ".join(facet_token(*pair) for pair in row[5]),
                    " ".join(dict.fromkeys(pair_words(row[4]))),  # each pair once
                )
                for row in rows
            ],
        )
        cursor.executemany(
            "INSERT INTO catalog_search_places (rowid, title, entities, summary) "
            "VALUES (%s, %s, %s, %s)",
            [row[:4] for row in rows],
        )

    def matching(self, query, column=None, every=True, among=None, within=None) -> int:
        """The publications matching a query, anywhere or in a column.

        Only those `among` a set, if given; and only those with one of the facet values
        `within` ({facet: values}), if given, which the index tells apart itself.
        """
        table = self.TABLES[column]
        if column is None and any(map(may_be_facet_word, [*query.terms, *query.excluded])):
            # It might be a facet's or a pair's word: hold it to the texts, which takes twice as
            # long, and look for phrases as themselves.
            expression = f"{{title entities summary body}} : ({query.fts5()})"
        else:
            expression = query.fts5(column, every, pairs=column is None)
        if within:
            tokens = [
                facet_token(facet, value) for facet, values in within.items() for value in values
            ]
            expression = f"({expression}) AND ({{facets}} : ({' OR '.join(tokens)}))"
        sql, params = f"SELECT group_concat(rowid) FROM {table} WHERE {table} MATCH %s", []
        if among is not None and among.bit_count() <= self.FEW:
            # Only those among a few are sent back: a byte per key says which (reading all
            # the matches back would cost more than the match itself).
            sql += " AND substr(%s, rowid + 1, 1) = x'01'"
            params = [bytes_of(among)]
        [(found,)] = fetch(sql, [expression, *params])
        found = bits_of(keys_listed(found))
        return found if among is None else found & among

    def places(self, query, wanted, among):
        return places_one_at_a_time(self, query, wanted, among)

    def snippets(self, query, ids, column):
        # snippet() needs a MATCH, which in the index reads every publication's match: it is
        # asked of the scratch table, holding these texts alone.
        if column != "body":
            with connection.cursor() as cursor:
                self.scratch_empty(cursor)
                cursor.execute(
                    f"INSERT INTO {self.SCRATCH} (rowid, {column}) "
                    f"SELECT id, {column} FROM catalog_publication WHERE id IN ({marks(ids)})",
                    ids,
                )
            return self.snippets_asked(query, column)
        # snippet() reads and splits all of a text, and bodies are long: a body goes there as
        # the part around the first word that looks like a match, and whole only if that part
        # had none after all.
        bodies = dict(
            fetch(f"SELECT id, body FROM catalog_publication WHERE id IN ({marks(ids)})", ids)
        )
        # A stem begins its word, and is seldom shorter than the word less three letters.
        starts = {
            word[: max(3, len(word) - 3)]
            for term in query.terms
            for word in WORD.findall(term.text)
        }
        pattern = re.compile(r"\b(?:" + "|".join(map(re.escape, starts)) + ")", re.IGNORECASE)
        parts = {pk: around(body, pattern) for pk, body in bodies.items()}
        found = self.snippets_of_bodies(query, parts)
        missed = {pk: body for pk, body in bodies.items() if pk not in found and parts[pk] != body}
        return found | (self.snippets_of_bodies(query, missed) if missed else {})

    def snippets_of_bodies(self, query, bodies):
        with connection.cursor() as cursor:
            self.scratch_empty(cursor)
            cursor.executemany(
                f"INSERT INTO {self.SCRATCH} (rowid, body) VALUES (%s, %s)", bodies.items()
            )
        return self.snippets_asked(query, "body")

    def snippets_asked(self, query, column):
        return dict(
            fetch(
                f"SELECT rowid, snippet({self.SCRATCH_NAME}, {self.COLUMNS[column]}, %s, %s, "
                f"'…', 24) FROM {self.SCRATCH} WHERE {self.SCRATCH_NAME} MATCH %s",
                [MARK_START, MARK_END, query.fts5(column, every=False)],
            )
        )

    def scratch_empty(self, cursor):
        """Empty the scratch table (of this connection alone), made once per engine: a
        transaction that made it may have been rolled back since."""
        if not self.scratch_made:
            cursor.execute(
                f"CREATE VIRTUAL TABLE IF NOT EXISTS {self.SCRATCH} USING fts5(title, "
                "entities, summary, body, tokenize='porter unicode61 remove_diacritics 2')"
            )
            self.scratch_made = True
        cursor.execute(f"DELETE FROM {self.SCRATCH}")


def places_one_at_a_time(engine, query, wanted, among):
    """The publications `among` a set matching in each (column, every) place of `wanted`, as
    (column, set) pairs, each leaving out those of the places before; asked lazily."""
    for column, every in wanted:
        here = engine.matching(query, column, every, among=among)
        among &= ~here
        yield column, here
        if not among:
            return


class PostgreSQLEngine:
    """GIN-indexed tsvectors of words and of pairs of neighbouring words, without positions.

    A phrase is found as its pairs ("red teaming" as the word 'red team'; see the migration
    0005_search_facets), so every match is answered by the index alone: with positions,
    PostgreSQL must decompress each candidate's document to check a phrase. The title, the names
    and the summary have vectors of their own beside the whole document's, for ranking by where
    a match is, in a table of their own (catalog_search_places, see 0011_search_places_table):
    the documents' table stays narrow for the main match, and these stay in their rows, where a
    few publications are tested quickly.
    """

    # Pairs never span two chunks; chunks keep PostgreSQL's limits on word positions far off.
    CHUNK_WORDS = 2000
    # Up to how many publications a place's match tests each one, not lists all that match.
    FEW = 500
    # Testing a few publications in a place is quicker than matching the place among all.
    RANKS_AMONG_NEWEST = True
    HEADLINE = f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords=30, MinWords=12"

    # Each text's stems, kept by every engine of the process: the dictionary does not change.
    lexemes = {}
    LEXEMES_KEPT = 10_000

    def clear(self, cursor):
        cursor.execute("DELETE FROM catalog_search")
        cursor.execute("DELETE FROM catalog_search_places")

    def delete(self, cursor, ids):
        for table in ["catalog_search", "catalog_search_places"]:
            cursor.execute(f"DELETE FROM {table} WHERE publication_id = ANY(%s)", [list(ids)])

    def insert(self, cursor, rows):
        def chunks(text):
            # PostgreSQL's parser reads gpt-5-nano as gpt, -5, nano; split words as queries do.
            words = WORD.findall(text)
            return [
                " ".join(words[start : start + self.CHUNK_WORDS])
                for start in range(0, len(words), self.CHUNK_WORDS)
            ]

        cursor.executemany(
            "WITH texts (id, title, entities, summary) AS (SELECT %s::bigint, "
            "catalog_search_terms(%s), catalog_search_terms(%s), catalog_search_terms(%s)), "
            "places AS (INSERT INTO catalog_search_places SELECT * FROM texts) "
            "INSERT INTO catalog_search (publication_id, document) "
            "SELECT id, title || entities || summary || catalog_search_terms(%s) || "
            "array_to_tsvector(%s::text[]) FROM texts",
            [
                (pk, *map(chunks, texts), chunks(body), [self.facet_word(*pair) for pair in facets])
                for pk, *texts, body, facets in rows
            ],
        )

    def facet_word(self, facet, value):
        # With a colon, it is no word of any text (those are split at punctuation).
        return f"{facet}:{value}"

    def stems(self, query):
        """Each term's words as the dictionary stems them, with their positions, in order."""
        terms = [*query.terms, *query.excluded]
        missing = [term.text for term in terms if term.text not in self.lexemes]
        if missing:
            if len(self.lexemes) > self.LEXEMES_KEPT:
                self.lexemes.clear()
            found = defaultdict(list)
            for n, lexeme, positions in fetch(
                "SELECT term.n, token.lexeme, token.positions "
                "FROM unnest(%s::text[]) WITH ORDINALITY AS term (text, n), "
                "unnest(to_tsvector('english', term.text)) AS token",
                [missing],
            ):
                found[n] += [(position, lexeme) for position in positions]
            for n, text in enumerate(missing, start=1):
                self.lexemes[text] = sorted(found[n])
        return self.lexemes

    def tsquery(self, query, column=None, every=True):
        """The query as a tsquery of the index's words and pairs; None if it has no words."""
        stems = self.stems(query)

        def written(term):
            words = stems[term.text]
            pairs = [a + " " * (at_b - at_a) + b for (at_a, a), (at_b, b) in pairwise(words)]
            return " & ".join(map(tsquery_quoted, pairs or [word for _, word in words])) or None

        def either(terms):
            found = [f"({text})" for text in map(written, terms) if text]
            return " | ".join(found) or None

        groups = (query.groups if every else [query.terms]) if column else query.groups
        # Words the dictionary drops (the, of) are left out, as websearch_to_tsquery does.
        wanted = [f"({text})" for text in map(either, groups) if text]
        if not wanted:
            return None
        if column is None:
            wanted += [f"!({text})" for text in map(written, query.excluded) if text]
        return " & ".join(wanted)

    def matching(self, query, column=None, every=True, among=None, within=None) -> int:
        tsquery = self.tsquery(query, column, every)
        if tsquery is None:
            return 0
        if within:
            words = [self.facet_word(f, value) for f, values in within.items() for value in values]
            tsquery = f"({tsquery}) & (" + " | ".join(map(tsquery_quoted, words)) + ")"
        # Among a few, testing each (in a place's small vector) beats listing all that match.
        few = None
        if column is not None and among is not None and among.bit_count() <= self.FEW:
            few = bits_members(among)
        [(found,)] = fetch(
            "SELECT catalog_search_keys(%s, %s, %s)", [column or "document", tsquery, few]
        )
        found = bits_of(keys_listed(found))
        return found if among is None else found & among

    def places(self, query, wanted, among):
        """As SQLiteEngine.places; among a few, each publication is tested in every place at
        once, its row fetched once, rather than once for each place."""
        if among.bit_count() > self.FEW:
            yield from places_one_at_a_time(self, query, wanted, among)
            return
        tests = [f"coalesce({column} @@ %s::tsquery, false)" for column, every in wanted]
        rows = fetch(
            f"SELECT publication_id, {', '.join(tests)} FROM catalog_search_places "
            "WHERE publication_id = ANY(%s)",
            [
                *(self.tsquery(query, column, every) for column, every in wanted),
                bits_members(among),
            ],
        )
        found = [[] for _ in wanted]
        for pk, *matched in rows:
            if True in matched:
                found[matched.index(True)].append(pk)
        for (column, _), ids in zip(wanted, found, strict=True):
            yield column, bits_of(ids)

    def snippets(self, query, ids, column):
        if column != "body":
            return dict(
                fetch(
                    f"SELECT id, ts_headline('english', {column}, "
                    "websearch_to_tsquery('english', %s), %s) "
                    "FROM catalog_publication WHERE id = ANY(%s)",
                    [query.websearch(), self.HEADLINE, ids],
                )
            )
        # ts_headline reads all of a text, and bodies are long: it gets the part of the body
        # around the first word that looks like a match, and the whole body only if that part
        # had none after all.
        bodies = dict(fetch("SELECT id, body FROM catalog_publication WHERE id = ANY(%s)", [ids]))
        stems = {word for term in query.terms for _, word in self.stems(query)[term.text]}
        # Stems begin their words, but for a y turned i: happi for happy.
        starts = {stem[:-1] if stem.endswith("i") else stem for stem in stems} - {""}
        pattern = re.compile(r"\b(?:" + "|".join(map(re.escape, starts)) + ")", re.IGNORECASE)
        found = self.headlines(query, [(pk, around(body, pattern)) for pk, body in bodies.items()])
        missed = [(pk, bodies[pk]) for pk, text in found.items() if MARK_START not in text]
        return found | self.headlines(query, missed)

    def headlines(self, query, texts):
        if not texts:
            return {}
        ids, texts = zip(*texts, strict=True)
        return dict(
            fetch(
                "SELECT id, ts_headline('english', text, websearch_to_tsquery('english', %s), %s) "
                "FROM unnest(%s::bigint[], %s::text[]) AS texts (id, text)",
                [query.websearch(), self.HEADLINE, list(ids), list(texts)],
            )
        )


def tsquery_quoted(word):
    """A word (lexeme) as written in a tsquery."""
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


def around(text, pattern, width=600):
    """About `width` characters of a text, from a little before the first match of a pattern."""
    match = pattern.search(text)
    start = max(0, match.start() - width // 4) if match else 0
    part = text[start : start + width]
    if start:
        part = part.partition(" ")[2]  # whole words only
    if start + width < len(text):
        part = part.rpartition(" ")[0]
    return part


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
            facets_remove(cursor, batch)
            publications = indexable(Publication.objects.filter(pk__in=batch))
            search.insert(cursor, [(p.pk, *index_texts(p), index_facets(p)) for p in publications])
            facets_add(cursor, publications)
        # Searches count on the sets of the generation, which a visible change ends
        # (pagecache.changes); a bulk writer ends it itself.


def search_index_rebuild(*, progress=None, batch_size=2000) -> int:
    """Index every publication again, from scratch."""
    search = engine()
    ids = list(Publication.objects.order_by("pk").values_list("pk", flat=True))
    words = defaultdict(int)
    with transaction.atomic(), connection.cursor() as cursor:
        search.clear(cursor)
        cursor.execute("DELETE FROM catalog_search_facets")
        for start in range(0, len(ids), batch_size):
            batch = ids[start : start + batch_size]
            publications = indexable(Publication.objects.filter(pk__in=batch))
            search.insert(cursor, [(p.pk, *index_texts(p), index_facets(p)) for p in publications])
            for publication in publications:
                for facet, value in index_facets(publication):
                    words[facet, value, publication.pk >> 6] |= 1 << (publication.pk & 63)
            if progress:
                progress(min(start + batch_size, len(ids)), len(ids))
        cursor.executemany(
            "INSERT INTO catalog_search_facets (facet, value, n, word) VALUES (%s, %s, %s, %s)",
            [(*key, signed(word)) for key, word in words.items()],
        )
        generation_end()
    return len(ids)


def facets_remove(cursor, ids):
    """Take publications out of the set of every facet value."""
    cursor.executemany(
        "UPDATE catalog_search_facets SET word = word & ~%s WHERE n = %s",
        [(bit_word(pk), pk >> 6) for pk in ids],
    )
    words = sorted({pk >> 6 for pk in ids})
    cursor.execute(
        "DELETE FROM catalog_search_facets WHERE word = 0 "
        f"AND n IN ({', '.join(['%s'] * len(words))})",
        words,
    )


def facets_add(cursor, publications):
    """Put publications into the set of each of their facet values."""
    cursor.executemany(
        "INSERT INTO catalog_search_facets (facet, value, n, word) VALUES (%s, %s, %s, %s) "
        "ON CONFLICT (facet, value, n) "
        "DO UPDATE SET word = catalog_search_facets.word | excluded.word",
        [
            (facet, value, p.pk >> 6, bit_word(p.pk))
            for p in publications
            for facet, value in index_facets(p)
        ],
    )


@dataclass(frozen=True)
class FacetSets:
    """The live publications, and the publications with each facet value, as sets."""

    token: str
    live: int
    # The live publications' keys, newest first: a set's newest are found without a query.
    newest: np.ndarray
    values: dict  # facet -> {value: set}
    # The live AI models (with their aliases, and as `related_ids` their family members and the
    # models based on them) and topics, which facets, filters and quick matches list.
    ai_models: list
    topics: list
    # The live AI models by their names and aliases, in lower case, for quick matches.
    ai_models_named: dict

    def any_of(self, facet, values) -> int:
        found = 0
        for value in values:
            found |= self.values[facet].get(value, 0)
        return found

    def newest_first(self, bits: int, start: int, stop: int) -> list[int]:
        """The keys in a set of live publications, from the start-th newest to the stop-th."""
        return in_order(self.newest, bits, start, stop)


def in_order(order: np.ndarray, bits: int, start: int, stop: int) -> list[int]:
    """The start-th to the stop-th keys of a set of live publications in an `order` of all of
    them (an array of keys)."""
    flags = key_flags(bits)
    # Only as far down the order as the set's share says it takes, twice over, at first.
    read = 2 * stop * len(order) // max(bits.bit_count(), 1) + 64
    while True:
        keys = order[:read]
        keys = keys[keys < flags.size]  # keys past the set's last are not in it
        found = keys[flags[keys] == 1]
        if len(found) >= stop or read >= len(order):
            return found[start:stop].tolist()
        read *= 4


def facet_sets_make(token: str) -> FacetSets:
    ai_models = list(
        AIModel.objects.live()
        .only("name", "slug", "published_at")
        .prefetch_related(Prefetch("aliases", queryset=AIModelAlias.objects.only("model", "name")))
    )
    related = defaultdict(set)
    for pk, family in AIModel.objects.filter(family__isnull=False).values_list("pk", "family"):
        related[family].add(pk)
    based_on = ModelLineage.objects.filter(relation=Relation.BASED_ON)
    for pk, source in based_on.values_list("model", "source"):
        related[source].add(pk)
    named = defaultdict(list)
    for model in ai_models:
        model.related_ids = frozenset(related[model.pk])
        for name in {model.name, *(alias.name for alias in model.aliases.all())}:
            named[name.lower()].append(model)
    newest = Publication.objects.live().order_by("-published_at", "-pk").values_list("pk")
    live = np.array([pk for (pk,) in fetch(*newest.query.sql_with_params())], dtype=np.int64)
    words = {facet: defaultdict(list) for facet in FACETS}
    for facet, value, n, word in fetch("SELECT facet, value, n, word FROM catalog_search_facets"):
        words[facet][value].append((n, word))
    return FacetSets(
        token=token,
        live=bits_of(live),
        newest=live,
        values={
            facet: {
                value if facet in ("kind", "label") else int(value): bits_from_words(found)
                for value, found in values.items()
            }
            for facet, values in words.items()
        },
        ai_models=ai_models,
        topics=list(Topic.objects.live()),
        ai_models_named=named,
    )


_facet_sets = None


def facet_sets() -> FacetSets:
    """The sets of the content's current generation, made on the first search in it."""
    global _facet_sets
    generation = generation_current()
    # A scheduled item going live keeps the token but moves changed_at: new sets either way.
    token = f"{generation.token}.{generation.changed_at.isoformat()}"
    if _facet_sets is None or _facet_sets.token != token:
        _facet_sets = facet_sets_make(token)
    return _facet_sets


def quick_matches(text: str, query: ParsedQuery, sets: FacetSets):
    """Live AI models (by name or alias) and topics named by the search text or one of its terms."""
    names = {name.lower() for name in query.phrases}
    names |= {token.strip('"').lower() for token in TOKEN.findall(text)}
    names |= {" ".join(query.phrases).lower(), text.strip().lower()}
    named = {model.pk: model for name in names for model in sets.ai_models_named.get(name, ())}
    models = sorted(named.values(), key=lambda model: model.name)
    return models, [topic for topic in sets.topics if topic.name.lower() in names]


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
        """The chosen models (the generation's: FacetSets.ai_models), with their family members
        and the models based on them."""
        ids = {model.pk for model in self.ai_models}
        if self.related:
            ids |= {pk for model in self.ai_models for pk in model.related_ids}
        return ids

    @property
    def chosen(self):
        """Each narrowed facet with the values it may have."""
        values = {
            "model": self.model_ids if self.ai_models else (),
            "topic": [topic.pk for topic in self.topics],
            "kind": self.kinds,
            "label": self.labels,
            "year": self.years,
        }
        return {facet: chosen for facet, chosen in values.items() if chosen}

    def bits(self, sets: FacetSets, skip=None) -> int:
        """The live publications these filters allow, leaving out the facet `skip`."""
        allowed = sets.live
        for facet, values in self.chosen.items():
            if facet != skip:
                allowed &= sets.any_of(facet, values)
        return allowed


class RankedResults:
    """Live publications matching a search, best first, fetched one page at a time."""

    def __init__(self, query: ParsedQuery, filters: Filters, sets: FacetSets | None = None):
        self.query, self.filters = query, filters
        self.sets, self.engine = sets or facet_sets(), engine()
        self.matching = self.sets.live
        if query:
            within = self.within()
            self.matching &= self.engine.matching(query, within=within)
        self.bits = self.matching & filters.bits(self.sets)

    def within(self):
        """Facet values among which the matches are all that counting needs, if few.

        Each facet is counted among the publications all the other facets allow. With two
        facets narrowed, those are all among the publications one of the two allows: the
        index is asked for the two whose publications are fewest.
        """
        chosen = self.filters.chosen
        if len(chosen) < 2:
            return None
        allowed = {facet: self.sets.any_of(facet, values) for facet, values in chosen.items()}
        size, pair = min(
            ((allowed[a] | allowed[b]).bit_count(), (a, b)) for a, b in combinations(chosen, 2)
        )
        if 2 * size > self.sets.live.bit_count():
            return None  # hardly narrower, and the index would read long lists of facet words
        return {facet: chosen[facet] for facet in pair}

    def count(self):
        return self.bits.bit_count()

    def __len__(self):
        return self.count()

    @property
    def wanted_places(self):
        # Every word in the title is the same as any word in it, for a text of one word.
        return [(c, every) for c, every in PLACES if len(self.query.groups) > 1 or not every]

    def places(self):
        """The results in the order of where they match: (place, set) pairs, best place first."""
        rest = self.bits
        if self.query and rest:
            for column, here in self.engine.places(self.query, self.wanted_places, rest):
                rest &= ~here
                yield column, here
                if not rest:
                    return
        yield "body", rest

    def ranked_ids(self, start, stop):
        """(key, place) of the start-th to the stop-th result."""
        return self.ranked_among_newest(start, stop) or self.ranked_by_place(start, stop)

    def ranked_among_newest(self, start, stop):
        """The page, if the newest results hold it in the best place; else None.

        The newest results in the best place are the newest of that place: if enough of them
        fill the page, it is theirs, and no place is matched among all the results, which in a
        word found in thousands of titles takes longer. A fifth of NEWEST_TESTED are tested
        first, and then as many more as their share says the page needs, up to NEWEST_TESTED.
        """
        if not self.query or not self.engine.RANKS_AMONG_NEWEST or stop > NEWEST_TESTED:
            return None
        if self.bits.bit_count() <= NEWEST_TESTED:
            return None  # all the results are few: ranking them all is as quick
        size = NEWEST_TESTED // 5
        column, found = self.best_among_newest(0, size)
        if 0 < len(found) < stop:
            needed = 5 * stop * size // (4 * len(found))  # and a quarter more
            if needed <= NEWEST_TESTED:
                found += self.best_among_newest(size, needed)[1]
        return [(pk, column) for pk in found[start:stop]] if len(found) >= stop else None

    def best_among_newest(self, start, stop):
        """The best place, and which of the start-th to the stop-th newest results are in it."""
        newest = self.sets.newest_first(self.bits, start, stop)
        column, here = next(self.engine.places(self.query, self.wanted_places[:1], bits_of(newest)))
        best = set(bits_members(here))
        return column, [pk for pk in newest if pk in best]

    def ranked_by_place(self, start, stop):
        found = []
        for place, bits in self.places():
            size = bits.bit_count()
            newest = self.sets.newest_first(bits, start, stop)
            found += [(pk, place) for pk in newest]
            start, stop = max(0, start - size), stop - size
            if stop <= 0:
                break
        return found

    def __getitem__(self, page):
        ranked = self.ranked_ids(page.start, page.stop)
        ids = [pk for pk, _ in ranked]
        found = Publication.objects.live().filter(pk__in=ids).as_cards().in_bulk()
        snippets = self.snippets(ranked) if self.query else {}
        results = [found[pk] for pk in ids if pk in found]
        for publication in results:
            publication.snippet = highlighted(snippets.get(publication.pk) or "")
        return results

    def snippets(self, ranked):
        """A result matched in its body shows the match there; any other shows its summary."""
        by_column = defaultdict(list)
        for pk, place in ranked:
            by_column["body" if place == "body" else "summary"].append(pk)
        snippets = {}
        for column, ids in by_column.items():
            snippets |= self.engine.snippets(self.query, ids, column)
        return snippets

    def facet_counts(self):
        """For each facet, how many results each value would give, keeping the other facets."""
        chosen = self.filters.chosen
        counts = {}
        for facet in FACETS:
            within = self.bits
            if facet in chosen:
                within = self.matching & self.filters.bits(self.sets, skip=facet)
            counts[facet] = {
                value: count
                for value, bits in self.sets.values[facet].items()
                if (count := (within & bits).bit_count())
            }
        counts["label"].pop("", None)
        return counts
