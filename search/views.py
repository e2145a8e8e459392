"""The search page: one box over the publications, with facets to narrow the results."""

from typing import NamedTuple

from django.core.paginator import Paginator
from django.template.response import TemplateResponse
from django.views.generic import TemplateView

from catalog.filters import query_problems
from catalog.models import Kind, Label
from catalog.views import PAGE_SIZE, SLUG, paginate
from search import engine as search


class FacetOption(NamedTuple):
    """A value of a search facet, as the page offers it (an object, not a dict: a template
    reads a dict's keys only after an attribute lookup fails, at the cost of an exception)."""

    value: str
    label: str
    count: int
    chosen: bool
    remove_url: str | None


class SearchView(TemplateView):
    """One box over titles, summaries, bodies and the names of models, topics and committees."""

    template_name = "search/search.html"
    facet_names = ["model", "topic", "kind", "label", "year"]
    allowed_parameters = {"q", "page", "related", *facet_names}

    def get(self, request, *args, **kwargs):
        problems = query_problems(request.GET, self.allowed_parameters, repeatable=self.facet_names)
        if not problems:
            self.text, self.filters, problems = self.read_query(request.GET)
        if problems:
            return TemplateResponse(
                request,
                "catalog/bad_query.html",
                {"problems": problems, "reset_url": request.path},
                status=400,
            )
        return super().get(request, *args, **kwargs)

    def read_query(self, params):
        problems = []
        text = params.get("q", "").replace("\x00", " ").strip()
        if len(text) > search.MAX_QUERY_LENGTH:
            problems.append(
                f"Search text is limited to {search.MAX_QUERY_LENGTH} characters; "
                f"this one has {len(text):,}."
            )
        related = params.get("related", "all")
        if related not in {"all", "exact"}:
            problems.append(f"“related” is “all” or “exact”, not “{related}”.")

        def chosen(name, live, noun):
            slugs = set(params.getlist(name))
            for slug in sorted(slug for slug in slugs if not SLUG.fullmatch(slug)):
                problems.append(f"“{slug}” is not a valid {noun} name.")
                slugs.discard(slug)
            found = [item for item in live if item.slug in slugs]
            for slug in sorted(slugs - {item.slug for item in found}):
                problems.append(f"There is no {noun} “{slug}”.")
            return found

        def valid(name, values, noun):
            picked = params.getlist(name)
            problems.extend(
                f"“{value}” is not a {noun}." for value in picked if value not in values
            )
            return [value for value in picked if value in values]

        years = [str(year) for year in range(1900, 2200)]
        # The live models and topics of the content's generation, as search counts them.
        self.sets = search.facet_sets()
        filters = search.Filters(
            ai_models=chosen("model", self.sets.ai_models, "AI model"),
            topics=chosen("topic", self.sets.topics, "topic"),
            kinds=valid("kind", Kind.values, "kind of publication"),
            labels=valid("label", Label.values, "label"),
            years=[int(year) for year in valid("year", years, "year")],
            related=related == "all",
        )
        return text, filters, problems

    def get_context_data(self, **kwargs):
        query = search.query_parse(self.text)
        results = search.RankedResults(query, self.filters, self.sets)
        page = paginate(self.request, Paginator(results, PAGE_SIZE))
        counts = results.facet_counts()
        quick = search.quick_matches(self.text, query, results.sets) if query else ([], [])
        ai_models, topics = quick
        return super().get_context_data(
            text=self.text,
            query=query,
            page_obj=page,
            facets=self.facets(counts, results.sets),
            quick_models=ai_models,
            quick_topics=topics,
            related=self.filters.related,
            suggested_topics=results.sets.topics if not page.paginator.count else [],
            **kwargs,
        )

    def facets(self, counts, sets):
        """Each facet's values with their counts, chosen ones first; only values with results."""
        params = self.request.GET

        def options(name, values):
            chosen = set(params.getlist(name))
            listed = [
                FacetOption(
                    value,
                    label,
                    counts[name].get(key, 0),
                    value in chosen,
                    self.url_without(name, value) if value in chosen else None,
                )
                for key, value, label in values
                if counts[name].get(key) or value in chosen
            ]
            return sorted(listed, key=lambda option: (not option.chosen, -option.count))

        return [
            (
                "model",
                "AI model",
                options("model", [(m.pk, m.slug, m.name) for m in sets.ai_models]),
            ),
            ("topic", "Topic", options("topic", [(t.pk, t.slug, t.name) for t in sets.topics])),
            ("kind", "Kind", options("kind", [(k, k, label) for k, label in Kind.choices])),
            ("label", "Label", options("label", [(k, k, label) for k, label in Label.choices])),
            (
                "year",
                "Year",
                sorted(
                    options("year", [(y, str(y), str(y)) for y in counts["year"]]),
                    key=lambda option: option.value,
                    reverse=True,
                ),
            ),
        ]

    def url_without(self, name, value):
        params = self.request.GET.copy()
        params.setlist(name, [v for v in params.getlist(name) if v != value])
        params.pop("page", None)
        return f"{self.request.path}?{params.urlencode()}"
