"""The search page: best matches of every kind, then the publications, ranked, with facets."""

from functools import reduce
from operator import and_, or_
from typing import NamedTuple

from django.core.paginator import Paginator
from django.db.models import Case, Count, Exists, F, OuterRef, Q, Value, When
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.generic import TemplateView

from catalog.models import AIModel, Kind, Label, Publication, Topic
from catalog.views import PAGE_SIZE, SLUG, paginate
from search.backends import MARK_START, backend, highlighted
from search.models import Entry, Synonym
from search.query import MAX_QUERY_LENGTH, STOP_WORDS, WORD, model_names_joined, query_parse

BEST_MATCHES = 4
BEST_CANDIDATES = 12  # ranked by the engine, among which exact names come first
MODELS_SHOWN = 8  # the model facet's most frequent values; the rest behind "more"
FALLBACK = "No result has every word; showing results with some of them."


def publication_entries():
    """The entries of live publications."""
    return Entry.objects.live().filter(kind="publication")


class FacetOption(NamedTuple):
    value: str
    label: str
    count: int
    chosen: bool
    remove_url: str | None


class Facet(NamedTuple):
    name: str
    label: str
    options: list[FacetOption]
    shown: int  # how many options show before "more"


class SearchView(TemplateView):
    """One box over every kind of content; unknown parameters (utm_*, fbclid, …) are ignored."""

    template_name = "search/search.html"
    # The page cache's middleware drops every other parameter before the view reads the query.
    allowed_parameters = {"q", "page", "model", "topic", "kind", "label", "year"}

    def get(self, request, *args, **kwargs):
        problems = self.read(request.GET)
        if problems:
            return TemplateResponse(
                request,
                "catalog/bad_query.html",
                {"problems": problems, "reset_url": request.path},
                status=400,
            )
        return super().get(request, *args, **kwargs)

    def read(self, params) -> list[str]:
        """Read the known parameters into self.text and self.chosen; the problems with them."""
        problems = [
            f"Give “{name}” once." for name in ("q", "page") if len(params.getlist(name)) > 1
        ]
        self.text = params.get("q", "").replace("\x00", " ").strip()
        if len(self.text) > MAX_QUERY_LENGTH:
            problems.append(
                f"Search text is limited to {MAX_QUERY_LENGTH} characters; "
                f"this one has {len(self.text):,}."
            )
        self.models = {m.slug: m for m in AIModel.objects.live().only("name", "slug")}
        self.topics = {t.slug: t for t in Topic.objects.live().only("name", "slug")}

        def chosen(name, known, noun):
            values = list(dict.fromkeys(params.getlist(name)))
            for value in values:
                if name in {"model", "topic"} and not SLUG.fullmatch(value):
                    problems.append(f"“{value}” is not a valid {noun} name.")
                elif value not in known:
                    problems.append(
                        f"There is no {noun} “{value}”."
                        if name in {"model", "topic"}
                        else f"“{value}” is not a {noun}."
                    )
            return [value for value in values if value in known]

        years = {str(year) for year in range(1900, 2200)}
        self.chosen = {
            "model": chosen("model", self.models, "AI model"),
            "topic": chosen("topic", self.topics, "topic"),
            "kind": chosen("kind", Kind.values, "kind of publication"),
            "label": chosen("label", Label.values, "label"),
            "year": chosen("year", years, "year"),
        }
        return problems

    def chosen_q(self, name) -> Q:
        """A condition on publication entries for the values chosen of facet `name`: a model
        or a topic through the publications' links, a year as a date range (which the index on
        the date serves), kind and label on the copies in the entry."""
        values, links = self.chosen[name], Publication.ai_models.through.objects
        if not values:
            return Q()
        if name == "model":  # a model stands for its family too (GPT-5: gpt-5-thinking, …)
            models = Q(aimodel__slug__in=values) | Q(aimodel__family__slug__in=values)
            return Q(publication__in=links.filter(models).values("publication_id"))
        if name == "topic":
            topics = Publication.topics.through.objects.filter(topic__slug__in=values)
            return Q(publication__in=topics.values("publication_id"))
        if name == "year":
            return reduce(or_, (Q(published_at__year=int(year)) for year in values))
        return Q(**{f"publication_{name}__in": values})

    def filtered(self, entries, skip=()):
        """The entries the chosen facet values allow, all but those of the facets in `skip`."""
        return entries.filter(*(self.chosen_q(name) for name in self.chosen if name not in skip))

    def get_context_data(self, **kwargs):
        engine = backend()
        synonyms = [synonym.variants for synonym in Synonym.objects.all()]
        query = query_parse(self.text, synonyms)
        every, notice, corrected = True, "", None
        # Whether a publication has every word: asked once, as it decides the rest.
        has_every = bool(query) and self.publications(engine, query).exists()
        if query and not has_every and not self.others(engine, query).exists():
            corrected = self.corrected(engine, query)
            if corrected:
                query, has_every = corrected, self.publications(engine, corrected).exists()
        if (
            query
            and len(query.groups) > 1
            and not has_every
            and self.publications(engine, query, every=False).exists()
        ):
            every, notice = False, FALLBACK
        best, named_models = self.best_matches(engine, query) if query else ([], [])
        matched = publication_entries()
        if query:
            matched = engine.match(matched, query, every)
        facets, total = self.facets(matched)
        results = self.filtered(matched).only("publication_id")
        if query:
            results = self.ranked(engine, results, query, named_models)
        else:
            results = results.order_by("-published_at", "-pk")
        paginator = Paginator(results, PAGE_SIZE)
        paginator.count = total  # counted with the facets: the match is not run again for it
        page = paginate(self.request, paginator)
        # The page's publications, read through their own live() rule.
        entries = list(page.object_list)
        cards = (
            Publication.objects.live()
            .filter(pk__in=[entry.publication_id for entry in entries])
            .as_cards()
            .in_bulk()
        )
        page.object_list = [cards[e.publication_id] for e in entries if e.publication_id in cards]
        if query:
            self.mark(engine, query, entries, cards)
        return super().get_context_data(
            text=self.text,
            corrected=" ".join(corrected.words) if corrected else "",
            notice=notice,
            page_obj=page,
            best_matches=best,
            facets=facets,
            chosen=[
                (facet, option) for facet in facets for option in facet.options if option.chosen
            ],
            **kwargs,
        )

    def publications(self, engine, query, every=True):
        return self.filtered(engine.match(publication_entries(), query, every))

    def others(self, engine, query, every=True):
        return engine.match(Entry.objects.live().exclude(kind="publication"), query, every)

    def found(self, engine, query) -> bool:
        """Whether any live publication (among the chosen facets) or other item has every word."""
        return self.publications(engine, query).exists() or self.others(engine, query).exists()

    def corrected(self, engine, query):
        """The query with each unknown word replaced by the nearest known one, if that finds
        anything."""
        corrections = {}
        for group in query.groups:
            word = group[0][0]
            if len(group) == 1 and len(group[0]) == 1 and word.isalpha() and len(word) > 3:
                nearest = engine.nearest(word)
                if nearest and nearest != word:
                    corrections[word] = nearest
        corrected = query.replaced(corrections)
        return corrected if corrections and self.found(engine, corrected) else None

    def ranked(self, engine, entries, query, named_models):
        """Best first: about a model named exactly as searched, then by the engine's relevance,
        an addendum's halved (it adds to a card, which comes first when they match alike), then
        the newest."""
        links = Publication.ai_models.through.objects.filter(
            publication=OuterRef("publication_id"), aimodel__in=named_models
        )
        entries = engine.ranked(entries, query).annotate(
            about=Exists(links),
            score=F("relevance")
            * Case(When(publication_kind=Kind.ADDENDUM, then=Value(0.5)), default=Value(1.0)),
        )
        return entries.order_by("-about", "-score", "-published_at", "-pk")

    def mark(self, engine, query, entries, cards):
        """Each publication's summary with its matches marked, or else the matching part of its
        body."""
        marked = engine.marked([entry.pk for entry in entries], query)
        for entry in entries:
            summary, body = marked.get(entry.pk, ("", ""))
            publication = cards.get(entry.publication_id)
            if publication is None:
                continue
            if MARK_START in (summary or "") or MARK_START not in (body or ""):
                publication.snippet = highlighted(summary) if summary else ""
            else:
                publication.snippet = highlighted(body)

    def best_matches(self, engine, query):
        """AI models, topics, people, committees, … with every word (and, if few, some), those
        whose whole name was typed first; and the AI models among those."""

        def ranked(every):
            entries = engine.ranked(self.others(engine, query, every), query)
            return list(entries.order_by("-relevance", "label")[:BEST_CANDIDATES])

        found = ranked(every=True)
        if len(found) < BEST_MATCHES and len(query.groups) > 1:
            found += [entry for entry in ranked(every=False) if entry not in found]
        typed = set(" ".join(query.words).split())

        def named(entry):
            return set(WORD.findall(model_names_joined(entry.label).lower())) - STOP_WORDS <= typed

        found.sort(key=lambda entry: not named(entry))
        named_models = [e.object_id for e in found if e.kind == "aimodel" and named(e)]
        return found[:BEST_MATCHES], named_models

    def facets(self, matched):
        """Each facet's values with how many results each would give, keeping the other facets'
        choices; chosen values first, then the most frequent. And the number of results.

        Three queries, each matching the search once: the AI models and the topics, grouped
        through their links; kind, label and year with the total, as one row of counts (each
        counts the results allowed by the other two's choices)."""
        links = {"model": Publication.ai_models.through, "topic": Publication.topics.through}
        counts = {}
        for name, field in [("model", "aimodel"), ("topic", "topic")]:
            within = self.filtered(matched, skip={name})
            rows = (
                links[name]
                .objects.filter(publication__in=within.values("publication_id"))
                .values_list(field)
                .annotate(n=Count("publication"))
                .order_by()
            )
            counts[name] = dict(rows)
        columns = ["kind", "label", "year"]
        dates = Publication.objects.live().values_list("published_at", flat=True)
        oldest = dates.order_by("published_at").first()
        since = timezone.localtime(oldest).year if oldest else timezone.now().year + 1
        years = range(since, timezone.localtime().year + 1)  # each a date range, no function
        values = {
            "kind": {kind: Q(publication_kind=kind) for kind in Kind.values},
            "label": {label: Q(publication_label=label) for label in Label.values},
            "year": {year: Q(published_at__year=year) for year in years},
        }

        def others(name):  # the choices of the other two
            return reduce(and_, (self.chosen_q(other) for other in columns if other != name))

        row = self.filtered(matched, skip=columns).aggregate(
            total=Count("pk", filter=reduce(and_, map(self.chosen_q, columns)) or None),
            **{
                f"{name}_{value}": Count("pk", filter=condition & others(name))
                for name in columns
                for value, condition in values[name].items()
            },
        )
        for name in columns:
            counts[name] = {value: row[f"{name}_{value}"] for value in values[name]}
        labels = {
            "model": {m.pk: (m.slug, m.name) for m in self.models.values()},
            "topic": {t.pk: (t.slug, t.name) for t in self.topics.values()},
            "kind": {k: (k, label) for k, label in Kind.choices},
            "label": {k: (k, label) for k, label in Label.choices},
            "year": {year: (str(year), str(year)) for year in reversed(years)},
        }
        made = []
        for name, title in [
            ("model", "AI model"),
            ("topic", "Topic"),
            ("kind", "Kind"),
            ("label", "Label"),
            ("year", "Year"),
        ]:
            chosen = set(self.chosen[name])
            options = [
                FacetOption(
                    value,
                    label,
                    counts[name].get(key, 0),
                    value in chosen,
                    self.url_without(name, value),
                )
                for key, (value, label) in labels[name].items()
                if counts[name].get(key) or value in chosen
            ]
            if name != "year":  # years newest first
                options.sort(key=lambda option: (not option.chosen, -option.count, option.label))
            shown = max(MODELS_SHOWN, len(chosen)) if name == "model" else len(options)
            made.append(Facet(name, title, options, shown))
        return made, row["total"]

    def url_without(self, name, value):
        params = self.request.GET.copy()
        params.setlist(name, [v for v in params.getlist(name) if v != value])
        params.pop("page", None)
        return f"{self.request.path}?{params.urlencode()}"
