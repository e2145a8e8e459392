"""The editors' side of the hub: every model in the Django admin, with lists that stay fast at
100,000 publications (one COUNT per page, no query per row, no DISTINCT over the whole table)."""

import calendar
import datetime

from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.db.models import Case, Prefetch, Q, Value, When
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.text import smart_split, unescape_string_literal

from catalog.models import (
    AIModel,
    AIModelAlias,
    Committee,
    Conversation,
    HubFeature,
    HubPage,
    Kind,
    Membership,
    ModelLineage,
    Person,
    Practice,
    Publication,
    Stage,
    Topic,
)
from editorial.admin import EditorialAdmin, StatusFilter, WorkflowMixin
from uploads.staging import staged_uploads_form

PUBLISHING = ("Publishing", {"fields": ["status", "published_at"]})


def search_terms(search_term):
    """Split the search box the way the admin does: words, or "quoted phrases"."""
    for term in smart_split(search_term):
        if term.startswith(('"', "'")) and term[0] == term[-1]:
            term = unescape_string_literal(term)
        yield term


def contains_any(fields, term):
    return Q.create([(f"{field}__icontains", term) for field in fields], connector=Q.OR)


class CatalogAdmin(EditorialAdmin):
    """Defaults for every list: no second COUNT of the whole table, short pages; and history
    (every save a revision, with diffs, revert and recovery: editorial.admin). A list with an
    editable position column is ordered by dragging its rows or with their Move up and Move
    down buttons (catalog/ordering.js)."""

    class Media:
        js = ["catalog/ordering.js"]

    show_full_result_count = False
    list_per_page = 50
    # Deleting a topic or a model lists every link to it; show a sample, not thousands.
    delete_confirmation_max_display = 50

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        return autocomplete_ranked(request, queryset, search_term, self), may_have_duplicates

    def get_form(self, request, obj=None, change=False, **kwargs):
        """A chosen file survives a refused save: kept, for this user, until the next submit."""
        form = super().get_form(request, obj, change, **kwargs)
        return staged_uploads_form(form, user=request.user)


def autocomplete_ranked(request, queryset, search_term, model_admin):
    """In an autocomplete, items whose name starts with what was typed come first, then those
    with a word of the name starting so, then the rest (a match in a description only).

    Select2 highlights the first result, which Enter picks: in name order, typing “red” put
    “Filter data” (its description says “filtered”) above “Red teaming”.
    """
    match = request.resolver_match
    term = search_term.strip()
    if not (match and match.url_name == "autocomplete" and term and model_admin.search_fields):
        return queryset
    name = model_admin.search_fields[0]  # the name or the title
    rank = Case(
        When(**{f"{name}__istartswith": term}, then=Value(0)),
        When(**{f"{name}__icontains": f" {term}"}, then=Value(1)),
        When(**{f"{name}__icontains": term}, then=Value(2)),
        default=Value(3),
    )
    ordering = model_admin.get_ordering(request) or model_admin.model._meta.ordering or ["pk"]
    return queryset.alias(name_match=rank).order_by("name_match", *ordering)


class PublishableAdmin(WorkflowMixin, CatalogAdmin):
    """A content type with a status: states, roles, bulk publishing, previews (editorial.admin)."""

    def save_model(self, request, obj, form, change):
        """“Save and create a preview link” with nothing changed makes the link, and neither a
        save nor a “No fields changed.” entry in the history."""
        if change and "_preview_link" in request.POST and not form.has_changed():
            request.preview_link_only = True
            return
        super().save_model(request, obj, form, change)

    def log_change(self, request, obj, message):
        if getattr(request, "preview_link_only", False) and not message:
            return None
        return super().log_change(request, obj, message)

    @admin.display(description="published", ordering="published_at")
    def published_on(self, item):
        """The day only, on one line; the hour is on the form and in the history."""
        return format_html(
            '<span class="nowrap">{}</span>', date_format(timezone.localtime(item.published_at))
        )


def clamped(text):
    """A list cell's text on two lines at most (editorial/lists.css); all of it on hover."""
    return format_html('<span class="clamp-2" title="{}">{}</span>', text, text) if text else ""


class PublicationChangeList(ChangeList):
    def get_results(self, request):
        # The rows show a few short columns: a search's thousands of matches are then sorted by
        # date without their bodies (SQLite's sorter carries whole rows: 124 → 72 ms at 100,000).
        self.queryset = self.queryset.defer("summary", "body", "body_html", "document")
        super().get_results(request)


class PublishedDateFilter(admin.SimpleListFilter):
    """By year, then by month of that year, of the publication date.

    Django's date_hierarchy reads the date of every row to list the years there are (a
    DISTINCT over the whole table: 0.3 s at 100,000 rows on SQLite). This reads the first and
    last date from the index, and filters with a range that uses it too.
    """

    title = "publication date"
    parameter_name = "published"

    def lookups(self, request, model_admin):
        # Two queries, each one end of the index (SQLite reads the table for MIN and MAX in one).
        dates = model_admin.get_queryset(request).values_list("published_at", flat=True)
        bounds = [dates.order_by(order).first() for order in ("published_at", "-published_at")]
        if bounds[0] is None:
            return []
        first, last = (timezone.localtime(bound).year for bound in bounds)
        choices = []
        for year in range(last, first - 1, -1):
            choices.append((str(year), str(year)))
            if self.value() and self.value().startswith(f"{year}"):
                choices += [
                    (f"{year}-{month:02}", f"– {calendar.month_name[month]} {year}")
                    for month in range(12, 0, -1)
                ]
        return choices

    def queryset(self, request, queryset):
        period = self.period()
        if period is None:
            return queryset
        start, end = period
        return queryset.filter(published_at__gte=start, published_at__lt=end)

    def period(self):
        """[start, end) of the chosen year or month, in the site's time zone; None if none."""
        value = self.value() or ""
        year, _, month = value.partition("-")
        if not (year.isdigit() and len(year) == 4 and (not month or month.isdigit())):
            return None
        year, month = int(year), int(month or 0)
        if not 1 <= year <= 9998 or not 0 <= month <= 12:
            return None
        zone = timezone.get_current_timezone()
        if month:
            start = datetime.datetime(year, month, 1, tzinfo=zone)
            end = datetime.datetime(year + month // 12, month % 12 + 1, 1, tzinfo=zone)
        else:
            start = datetime.datetime(year, 1, 1, tzinfo=zone)
            end = datetime.datetime(year + 1, 1, 1, tzinfo=zone)
        return start, end


class RelatedSlugFilter(admin.SimpleListFilter):
    """Filter by a many-to-many relation with a plain join.

    Each (publication, related) pair is unique, so the join adds no duplicates; the admin's
    own filter for a many-to-many field would add DISTINCT to the whole list anyway.
    """

    related_model = None
    lookup = None

    def lookups(self, request, model_admin):
        return self.related_model.objects.values_list("slug", "name")

    def queryset(self, request, queryset):
        if self.value() is not None:
            return queryset.filter(**{self.lookup: self.value()})
        return queryset


class AIModelFilter(RelatedSlugFilter):
    title = "AI model"
    parameter_name = "ai_model"
    related_model = AIModel
    lookup = "ai_models__slug"


class TopicFilter(RelatedSlugFilter):
    title = "topic"
    parameter_name = "topic"
    related_model = Topic
    lookup = "topics__slug"


class OrderedInline:
    """Rows in an order of the editor's: dragged by a handle, or moved with Move up and Move
    down buttons from the keyboard; the position numbers follow (catalog/ordering.js) and stay
    editable."""

    classes = ["ordered"]

    class Media:
        js = ["catalog/ordering.js"]


class AddendumInline(admin.TabularInline):
    """A system card's addenda, to see and open from the card; they are edited on their own."""

    model = Publication
    fk_name = "parent"
    fields = ["title", "status", "published_at"]
    readonly_fields = fields
    verbose_name = "addendum"
    verbose_name_plural = "addenda"
    show_change_link = True
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Publication)
class PublicationAdmin(PublishableAdmin):
    # What fits a laptop: the label and the parent card are filters and on the form.
    list_display = ["title", "kind", "status_badge", "published_on", "model_names"]
    # Not by AI models: that sorts the whole table through a join.
    sortable_by = ["title", "kind", "status_badge", "published_on"]
    list_filter = [
        StatusFilter,
        PublishedDateFilter,
        "kind",
        "label",
        ("parent", admin.EmptyFieldListFilter),
        AIModelFilter,
        TopicFilter,
    ]
    # The ai_models__ fields are searched in a subquery: see get_search_results.
    search_fields = ["title", "summary", "slug", "ai_models__name", "ai_models__aliases__name"]
    search_help_text = "Title, summary, slug, or the name or alias of an AI model."
    autocomplete_fields = ["parent", "ai_models", "topics", "practices"]
    prepopulated_fields = {"slug": ["title"]}
    save_on_top = True
    fieldsets = [
        (None, {"fields": ["title", "slug", "kind", "label", "parent"]}),
        PUBLISHING,
        ("Text", {"fields": ["summary", "body"]}),
        ("Image and files", {"fields": ["cover_image", "cover_alt", "external_url", "document"]}),
        ("Related", {"fields": ["ai_models", "topics", "practices"]}),
    ]
    inlines = [AddendumInline]
    markdown_fields = ["body"]

    def reversion_register(self, model, **options):
        # Addenda are edited on their own pages: reverting a card must not revert them.
        options["follow"] = [name for name in options.get("follow", ()) if name != "addenda"]
        super().reversion_register(model, **options)

    def get_inline_instances(self, request, obj=None):
        """Only a system card has addenda."""
        if obj is None or obj.kind != Kind.SYSTEM_CARD:
            return []
        return super().get_inline_instances(request, obj)

    def get_changelist(self, request, **kwargs):
        return PublicationChangeList

    def get_queryset(self, request):
        """The list's AI model names, in one query for the page rather than one per row."""
        return (
            super()
            .get_queryset(request)
            .prefetch_related(Prefetch("ai_models", queryset=AIModel.objects.only("name")))
        )

    @admin.display(description="AI models")
    def model_names(self, publication):
        return clamped(", ".join(model.name for model in publication.ai_models.all()))

    def get_search_results(self, request, queryset, search_term):
        """Every word must match a field or an AI model's name or alias.

        Models are matched in a subquery of the link table; a join would repeat a publication
        once per matching model and make Django add DISTINCT to the whole list and its COUNT.
        """
        own_fields = [field for field in self.search_fields if "__" not in field]
        model_fields = [
            field.removeprefix("ai_models__")
            for field in self.search_fields
            if field.startswith("ai_models__")
        ]
        links = Publication.ai_models.through.objects
        for term in search_terms(search_term):
            models = AIModel.objects.filter(contains_any(model_fields, term))
            about_models = links.filter(aimodel__in=models).values("publication_id")
            queryset = queryset.filter(contains_any(own_fields, term) | Q(pk__in=about_models))
        return autocomplete_ranked(request, queryset, search_term, self), False


class AliasInline(admin.TabularInline):
    model = AIModelAlias
    extra = 1


class LineageInline(admin.TabularInline):
    model = ModelLineage
    fk_name = "model"
    fields = ["relation", "source", "note"]
    autocomplete_fields = ["source"]
    extra = 1


@admin.register(AIModel)
class AIModelAdmin(PublishableAdmin):
    list_display = [
        "name",
        "family",
        "modality",
        "release_date",
        "status_badge",
        "alias_names",
    ]
    list_select_related = ["family"]
    list_filter = [StatusFilter, "modality", "family"]
    search_fields = ["name", "slug", "aliases__name"]
    search_help_text = "Name, slug or alias."
    autocomplete_fields = ["family"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [AliasInline, LineageInline]
    fieldsets = [
        (None, {"fields": ["name", "slug", "family", "modality", "release_date"]}),
        PUBLISHING,
        ("Text", {"fields": ["summary"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("aliases")

    @admin.display(description="aliases")
    def alias_names(self, model):
        return clamped(", ".join(alias.name for alias in model.aliases.all()))


@admin.register(Topic)
class TopicAdmin(PublishableAdmin):
    list_display = ["name", "featured", "position", "status_badge", "published_on"]
    list_editable = ["featured", "position"]
    list_filter = [StatusFilter, "featured"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [
        (None, {"fields": ["name", "slug", "description"]}),
        ("On the hub", {"fields": ["featured", "position"]}),
        PUBLISHING,
        ("Topic page", {"fields": ["body"]}),
    ]
    markdown_fields = ["body"]


class MembershipInline(OrderedInline, admin.TabularInline):
    model = Membership
    fields = ["person", "role", "term_start", "term_end", "position"]
    autocomplete_fields = ["person"]
    extra = 1


@admin.register(Committee)
class CommitteeAdmin(PublishableAdmin):
    list_display = ["name", "formed_on", "status_badge", "published_on"]
    list_filter = [StatusFilter]
    search_fields = ["name", "mandate"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["publications"]
    inlines = [MembershipInline]
    fieldsets = [
        (None, {"fields": ["name", "slug", "formed_on"]}),
        PUBLISHING,
        ("Text", {"fields": ["mandate", "charter"]}),
        ("Related", {"fields": ["publications"]}),
    ]
    markdown_fields = ["charter"]


@admin.register(Person)
class PersonAdmin(CatalogAdmin):
    list_display = ["name", "role"]
    search_fields = ["name", "role"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [
        (None, {"fields": ["name", "slug", "role", "bio"]}),
        ("Portrait", {"fields": ["portrait", "portrait_alt"]}),
    ]


class PracticeInline(OrderedInline, admin.TabularInline):
    model = Practice
    fields = ["name", "slug", "position"]
    prepopulated_fields = {"slug": ["name"]}
    show_change_link = True
    extra = 1


@admin.register(Stage)
class StageAdmin(CatalogAdmin):
    list_display = ["name", "position"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "slug", "summary", "position"]
    inlines = [PracticeInline]


@admin.register(Practice)
class PracticeAdmin(CatalogAdmin):
    list_display = ["name", "stage", "position"]
    list_select_related = ["stage"]
    list_filter = ["stage"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["stage", "name", "slug", "description", "position"]


@admin.register(Conversation)
class ConversationAdmin(PublishableAdmin):
    list_display = ["title", "duration", "position", "status_badge", "published_on"]
    list_editable = ["position"]
    list_filter = [StatusFilter, PublishedDateFilter]
    search_fields = ["title", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["speakers"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "speakers", "url", "duration", "position"]}),
        PUBLISHING,
        ("Text and image", {"fields": ["summary", "image", "image_alt"]}),
    ]


class HubFeatureInline(OrderedInline, admin.TabularInline):
    """Pinned cards come first, in this order; the newest items fill the rest by themselves."""

    model = HubFeature
    verbose_name_plural = "pinned Go deeper cards (shown first; the newest items follow)"
    fields = ["position", "publication", "committee"]
    autocomplete_fields = ["publication", "committee"]
    extra = 1


@admin.register(HubPage)
class HubPageAdmin(EditorialAdmin):
    """The one landing page: edited in place, never added twice or deleted."""

    inlines = [HubFeatureInline]
    fieldsets = [
        ("Top of the page", {"fields": ["eyebrow", "title", "intro", "meta_title"]}),
        (
            "Lifecycle",
            {
                "fields": [
                    "lifecycle_heading",
                    "lifecycle_intro",
                    "approach_link_text",
                    "approach_link_url",
                ]
            },
        ),
        ("Topics", {"fields": ["topics_heading", "topics_intro"]}),
        ("Conversations", {"fields": ["conversations_heading", "conversations_intro"]}),
        ("Latest news", {"fields": ["news_heading", "news_count"]}),
        (
            "Go deeper",
            {
                "fields": [
                    "deeper_heading",
                    "deeper_count",
                    "evaluations_link_text",
                    "evaluations_link_url",
                ]
            },
        ),
    ]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not HubPage.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
