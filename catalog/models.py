"""The hub's content: what staff edit in the admin and visitors read on the site."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, URLValidator
from django.db import models
from django.db.models import F, Prefetch, Q
from django.db.models.functions import Lower
from django.urls import reverse

from editorial.markup import MARKDOWN_MAX_LENGTH, render_markdown, validate_markdown
from editorial.models import Publishable, PublishableQuerySet, Status, is_site_path
from uploads.documents import DocumentField
from uploads.images import UploadedImageField


def is_web_address(link):
    try:
        URLValidator(schemes=["http", "https"])(link)
    except ValidationError:
        return False
    return True


class RenderedMarkdown(models.Model):
    """Keeps the HTML of each Markdown field beside it, made as the item is saved: pages show
    it as it is, so no visitor's request ever waits for the Markdown renderer."""

    # Each Markdown field, and the field that keeps its HTML.
    rendered_fields: dict[str, str] = {}

    class Meta:
        abstract = True

    def save(self, *args, update_fields=None, **kwargs):
        for source, target in self.rendered_fields.items():
            if update_fields is None or source in update_fields:
                setattr(self, target, render_markdown(getattr(self, source)))
                if update_fields is not None:
                    update_fields = {*update_fields, target}
        super().save(*args, update_fields=update_fields, **kwargs)


def markdown_field(help_text, verbose_name=None):
    return models.TextField(
        verbose_name,
        blank=True,
        validators=[validate_markdown],
        help_text=f"{help_text} In Markdown, at most {MARKDOWN_MAX_LENGTH:,} characters. "
        "Images are shown only from this site (or the hosts the site allows); others become "
        "links.",
    )


def html_field():
    return models.TextField(editable=False, default="")


def status_is_valid(model_name):
    return models.CheckConstraint(
        condition=Q(status__in=Status.values), name=f"{model_name}_status_valid"
    )


class Topic(RenderedMarkdown, Publishable):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.CharField(
        max_length=300, blank=True, help_text="One line, shown on the topic card on the hub."
    )
    body = markdown_field("The introduction at the top of the topic page.", "introduction")
    body_html = html_field()
    featured = models.BooleanField(
        "featured on the hub", default=False, help_text="Show this topic's card on the hub page."
    )
    position = models.PositiveSmallIntegerField(
        default=0, help_text="Cards are shown in increasing order of this number."
    )

    rendered_fields = {"body": "body_html"}

    class Meta:
        ordering = ["position", "name"]
        constraints = [status_is_valid("topic")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("catalog:topic_detail", args=[self.slug])


class Modality(models.TextChoices):
    TEXT = "text", "Text"
    MULTIMODAL = "multimodal", "Multimodal (text, image, audio)"
    IMAGE = "image", "Image generation"
    VIDEO = "video", "Video generation"
    AGENT = "agent", "Agent"


class AIModel(Publishable):
    name = models.CharField(
        max_length=100, unique=True, help_text="As written in the cards, e.g. “gpt-5-thinking”."
    )
    slug = models.SlugField(max_length=100, unique=True)
    family = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
        limit_choices_to={"family__isnull": True},
        help_text="The model family this one belongs to, e.g. gpt-5-thinking belongs to GPT-5.",
    )
    release_date = models.DateField(null=True, blank=True)
    modality = models.CharField(max_length=12, choices=Modality.choices, default=Modality.TEXT)
    summary = models.TextField(blank=True)

    class Meta:
        verbose_name = "AI model"
        ordering = ["name"]
        constraints = [
            status_is_valid("aimodel"),
            models.CheckConstraint(
                condition=Q(modality__in=Modality.values), name="aimodel_modality_valid"
            ),
            models.CheckConstraint(
                condition=Q(family__isnull=True) | ~Q(family=F("pk")),
                name="aimodel_not_own_family",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("catalog:model_detail", args=[self.slug])

    def clean(self):
        if self.family_id and self.family_id == self.pk:
            raise ValidationError({"family": "A model cannot be its own family."})
        if self.family_id and self.family.family_id:
            raise ValidationError(
                {"family": f"{self.family} is itself in a family; choose {self.family.family}."}
            )


class AIModelAlias(models.Model):
    """Another name for a model (an API name such as gpt-5-nano), found by search."""

    model = models.ForeignKey(AIModel, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=100)

    class Meta:
        verbose_name = "alias"
        verbose_name_plural = "aliases"
        ordering = ["name"]
        constraints = [models.UniqueConstraint(Lower("name"), name="aimodelalias_name_unique")]

    def __str__(self):
        return self.name


class Relation(models.TextChoices):
    BASED_ON = "based_on", "is based on"
    SUCCESSOR_OF = "successor_of", "is the successor of"


class ModelLineage(models.Model):
    """One step of lineage: codex-1 is based on o3; gpt-5-thinking is the successor of o3."""

    model = models.ForeignKey(AIModel, on_delete=models.CASCADE, related_name="lineage")
    relation = models.CharField(max_length=16, choices=Relation.choices, default=Relation.BASED_ON)
    source = models.ForeignKey(
        AIModel,
        on_delete=models.CASCADE,
        related_name="descendants",
        help_text="The earlier model, e.g. o3 for codex-1.",
    )
    note = models.CharField(
        max_length=200, blank=True, help_text="Optional context, e.g. “since May 2025”."
    )

    class Meta:
        verbose_name = "lineage"
        verbose_name_plural = "lineage"
        ordering = ["relation", "source__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["model", "relation", "source"], name="modellineage_unique"
            ),
            models.CheckConstraint(condition=~Q(model=F("source")), name="modellineage_not_self"),
            models.CheckConstraint(
                condition=Q(relation__in=Relation.values), name="modellineage_relation_valid"
            ),
        ]

    def __str__(self):
        return f"{self.model} {self.get_relation_display()} {self.source}"


# A few paragraphs; pages show a biography as typed.
BIO_MAX_LENGTH = 5_000


class Person(models.Model):
    name = models.CharField(max_length=150)
    slug = models.SlugField(max_length=150, unique=True)
    role = models.CharField(
        "role or affiliation",
        max_length=200,
        blank=True,
        help_text="E.g. “Director, Carnegie Mellon”.",
    )
    # Plain text: people have no review before publishing, so an edit is live at once.
    bio = models.TextField(
        blank=True,
        validators=[MaxLengthValidator(BIO_MAX_LENGTH)],
        help_text=f"A short biography, at most {BIO_MAX_LENGTH:,} characters. Plain text, shown "
        "as typed: an empty line starts a new paragraph.",
    )
    portrait = UploadedImageField(
        upload_to="people/",
        blank=True,
        width_field="portrait_width",
        height_field="portrait_height",
    )
    portrait_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    portrait_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    portrait_alt = models.CharField(
        "portrait description",
        max_length=250,
        blank=True,
        help_text="What the portrait shows, for screen readers. Required with a portrait.",
    )

    class Meta:
        verbose_name_plural = "people"
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("catalog:person_detail", args=[self.slug])

    def clean(self):
        if self.portrait and not self.portrait_alt:
            raise ValidationError({"portrait_alt": "Describe the portrait for screen readers."})


class Stage(models.Model):
    """One of Teach, Test and Share: the lifecycle diagram's columns."""

    name = models.CharField(max_length=50, unique=True)
    slug = models.SlugField(max_length=50, unique=True)
    summary = models.TextField(help_text="The pillar text on the hub, one or two sentences.")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("catalog:stage_detail", args=[self.slug])


class Practice(models.Model):
    """A step of the lifecycle (Filter data, Red teaming, ...), in its stage's order."""

    stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="practices")
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["stage__position", "position", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("catalog:practice_detail", args=[self.slug])


class Kind(models.TextChoices):
    SYSTEM_CARD = "system_card", "System card"
    ADDENDUM = "addendum", "Addendum to a system card"
    FRAMEWORK = "framework", "Framework"
    POLICY = "policy", "Policy or standard"
    RESEARCH = "research", "Research"
    NEWS = "news", "News"


class Label(models.TextChoices):
    PRODUCT = "product", "Product"
    PUBLICATION = "publication", "Publication"
    SAFETY = "safety", "Safety"


class PublicationQuerySet(PublishableQuerySet):
    def as_cards(self):
        """What a card in a list shows: a few columns (the cover's among them), and the live AI
        models by name (one query more for the whole page, as `live_ai_models`)."""
        return self.only(
            "title",
            "slug",
            "kind",
            "label",
            "summary",
            "published_at",
            "cover_image",
            "cover_width",
            "cover_height",
            "cover_alt",
        ).prefetch_related(
            Prefetch(
                "ai_models",
                queryset=AIModel.objects.live().only("name", "slug"),
                to_attr="live_ai_models",
            )
        )


class Publication(RenderedMarkdown, Publishable):
    title = models.CharField(max_length=255)
    slug = models.SlugField(
        max_length=255, unique=True, help_text="The last part of the page's address."
    )
    kind = models.CharField(
        max_length=16, choices=Kind.choices, default=Kind.SYSTEM_CARD, db_index=True
    )
    label = models.CharField(
        max_length=16,
        choices=Label.choices,
        blank=True,
        help_text="The tag shown beside news items, e.g. Product or Safety.",
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="addenda",
        limit_choices_to={"kind": Kind.SYSTEM_CARD},
        help_text="For an addendum: the system card it adds to.",
    )
    summary = models.TextField(help_text="One paragraph, shown in lists and link previews.")
    body = markdown_field("The full text.")
    body_html = html_field()
    cover_image = UploadedImageField(
        upload_to="covers/%Y/", blank=True, width_field="cover_width", height_field="cover_height"
    )
    cover_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    cover_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    cover_alt = models.CharField(
        "cover description",
        max_length=250,
        blank=True,
        help_text="What the cover image shows, for screen readers. Required with an image.",
    )
    external_url = models.URLField(
        "external link",
        max_length=500,
        blank=True,
        help_text="Where the full document lives, if elsewhere.",
    )
    document = DocumentField(
        upload_to="documents/%Y/", blank=True, help_text="The PDF, if we host it."
    )
    ai_models = models.ManyToManyField(
        AIModel, blank=True, related_name="publications", verbose_name="AI models"
    )
    topics = models.ManyToManyField(Topic, blank=True, related_name="publications")
    practices = models.ManyToManyField(
        Practice, blank=True, related_name="publications", verbose_name="lifecycle practices"
    )

    rendered_fields = {"body": "body_html"}
    objects = PublicationQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        indexes = [
            # Live lists, newest first, count and page from these alone: read backwards they give
            # the list's order, ties by key included, and hold every column the filter needs.
            models.Index(fields=["status", "published_at", "id"], name="publication_live_idx"),
            models.Index(
                fields=["kind", "status", "published_at", "id"], name="publication_kind_live_idx"
            ),
            # Newest-first pages read keys from the index alone, however deep the page.
            models.Index(fields=["-published_at", "-id"], name="publication_newest_idx"),
        ]
        constraints = [
            status_is_valid("publication"),
            models.CheckConstraint(
                condition=Q(kind__in=Kind.values), name="publication_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(label="") | Q(label__in=Label.values), name="publication_label_valid"
            ),
            models.CheckConstraint(
                condition=Q(parent__isnull=True) | Q(kind=Kind.ADDENDUM),
                name="publication_only_addenda_have_parent",
            ),
            models.CheckConstraint(
                condition=Q(parent__isnull=True) | ~Q(parent=F("pk")),
                name="publication_not_own_parent",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("catalog:publication_detail", args=[self.slug])

    def get_document_url(self):
        return reverse("catalog:publication_document", args=[self.slug])

    def clean(self):
        if self.kind == Kind.ADDENDUM and not self.parent_id:
            raise ValidationError({"parent": "An addendum needs the system card it adds to."})
        if self.kind != Kind.ADDENDUM and self.parent_id:
            raise ValidationError(
                {"parent": "Only an addendum has a parent card; clear this field."}
            )
        if self.parent_id:
            if self.parent_id == self.pk:
                raise ValidationError({"parent": "A publication cannot be its own parent."})
            if self.parent.kind != Kind.SYSTEM_CARD:
                raise ValidationError({"parent": f"“{self.parent}” is not a system card."})
        if self.cover_image and not self.cover_alt:
            raise ValidationError({"cover_alt": "Describe the cover image for screen readers."})


class Committee(RenderedMarkdown, Publishable):
    name = models.CharField(max_length=150, unique=True)
    slug = models.SlugField(max_length=150, unique=True)
    mandate = models.TextField(help_text="One paragraph: what the committee is responsible for.")
    charter = markdown_field("The charter or longer description.")
    charter_html = html_field()
    formed_on = models.DateField(null=True, blank=True)
    members = models.ManyToManyField(Person, through="Membership", related_name="committees")
    publications = models.ManyToManyField(
        Publication, blank=True, related_name="committees", verbose_name="related publications"
    )

    rendered_fields = {"charter": "charter_html"}

    class Meta:
        ordering = ["name"]
        constraints = [status_is_valid("committee")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("catalog:committee_detail", args=[self.slug])


class Membership(models.Model):
    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=100, default="Member", help_text="E.g. Chair or Member.")
    term_start = models.DateField(null=True, blank=True)
    term_end = models.DateField(null=True, blank=True, help_text="Leave empty while the term runs.")
    position = models.PositiveSmallIntegerField(
        default=0, help_text="Members are listed in this order."
    )

    class Meta:
        ordering = ["position", "person__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "person", "role", "term_start"], name="membership_unique"
            ),
            models.CheckConstraint(
                condition=Q(term_end__isnull=True)
                | Q(term_start__isnull=True)
                | Q(term_end__gte=F("term_start")),
                name="membership_term_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.person}, {self.role}, {self.committee}"


class Conversation(Publishable):
    """A researcher video or podcast."""

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    summary = models.TextField(
        "description", blank=True, help_text="What the conversation covers, in a paragraph."
    )
    url = models.URLField("link", max_length=500, blank=True, help_text="Where to watch or listen.")
    duration = models.DurationField(null=True, blank=True, help_text="As hh:mm:ss.")
    image = UploadedImageField(
        upload_to="conversations/",
        blank=True,
        width_field="image_width",
        height_field="image_height",
    )
    image_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    image_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    image_alt = models.CharField(
        "image description",
        max_length=250,
        blank=True,
        help_text="What the image shows, for screen readers. Required with an image.",
    )
    speakers = models.ManyToManyField(Person, blank=True, related_name="conversations")
    position = models.PositiveSmallIntegerField(default=0, help_text="Order on the hub.")

    class Meta:
        ordering = ["position", "-published_at"]
        constraints = [status_is_valid("conversation")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("catalog:conversation_detail", args=[self.slug])

    def clean(self):
        super().clean()
        if self.image and not self.image_alt:
            raise ValidationError({"image_alt": "Describe the image for screen readers."})


class HubPage(models.Model):
    """The landing page's own words; there is exactly one."""

    eyebrow = models.CharField(max_length=50, default="Safety")
    title = models.CharField(max_length=150)
    intro = models.TextField(help_text="The sentence under the title.")
    meta_title = models.CharField(
        "page title", max_length=150, help_text="The browser tab and link-preview title."
    )
    lifecycle_heading = models.CharField(max_length=150)
    lifecycle_intro = models.TextField()
    approach_link_text = models.CharField("approach link text", max_length=150, blank=True)
    approach_link_url = models.URLField("approach link address", max_length=500, blank=True)
    topics_heading = models.CharField(max_length=150)
    topics_intro = models.TextField(blank=True)
    conversations_heading = models.CharField(max_length=150)
    conversations_intro = models.TextField(blank=True)
    news_heading = models.CharField(max_length=150)
    news_count = models.PositiveSmallIntegerField(
        default=4, help_text="How many news items to show."
    )
    deeper_heading = models.CharField(
        "heading of Go deeper", max_length=150, help_text="The heading of the Go deeper cards."
    )
    deeper_count = models.PositiveSmallIntegerField(
        "number of Go deeper cards",
        default=12,
        help_text="How many cards to show: the pinned cards first, in their order, then the "
        "newest system cards, addenda, other documents and committees.",
    )
    evaluations_link_text = models.CharField("evaluations link text", max_length=150, blank=True)
    evaluations_link_url = models.CharField(
        "evaluations link address",
        max_length=500,
        blank=True,
        help_text="A full address or a path on this site.",
    )

    class Meta:
        verbose_name = "hub page"
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="hubpage_singleton")]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("catalog:hub")

    def clean(self):
        # A plain text field, so nothing else stops a javascript: address reaching the hub.
        link = self.evaluations_link_url
        if link and not (is_site_path(link) or is_web_address(link)):
            raise ValidationError(
                {"evaluations_link_url": "Use a full https:// address or a path starting with /."}
            )


class HubFeature(models.Model):
    """A card an editor pinned to the top of the hub's "Go deeper" list: a publication or a
    committee, in editor order. The rest of the list is the newest items, filled in by itself."""

    hub = models.ForeignKey(HubPage, on_delete=models.CASCADE, related_name="features")
    position = models.PositiveSmallIntegerField(default=0)
    publication = models.ForeignKey(
        Publication, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    committee = models.ForeignKey(
        Committee, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        verbose_name = "pinned Go deeper card"
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(publication__isnull=False, committee__isnull=True)
                | Q(publication__isnull=True, committee__isnull=False),
                name="hubfeature_one_target",
            ),
            models.UniqueConstraint(
                fields=["hub", "publication"], name="hubfeature_publication_once"
            ),
            models.UniqueConstraint(fields=["hub", "committee"], name="hubfeature_committee_once"),
        ]

    def __str__(self):
        return str(self.target)

    @property
    def target(self):
        return self.publication or self.committee

    def clean(self):
        if bool(self.publication_id) == bool(self.committee_id):
            raise ValidationError("Choose either a publication or a committee.")
