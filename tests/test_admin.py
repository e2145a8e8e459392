"""The admin: every page opens, search and filters find the right rows, forms validate, and
list pages cost the same number of queries whatever the amount of content."""

import datetime
from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.text import slugify
from django_tasks_db.models import DBTaskResult

from catalog.models import (
    AIModel,
    AIModelAlias,
    Committee,
    Conversation,
    HubFeature,
    HubPage,
    Kind,
    Label,
    Membership,
    ModelLineage,
    Person,
    Practice,
    Publication,
    Stage,
    Status,
    Topic,
)
from editorial.models import PreviewLink, Redirect
from editorial.previews import preview_link_create
from evaluations.models import (
    Determination,
    Evaluation,
    EvaluationCategory,
    FrameworkVersion,
    Metric,
    Result,
    RiskCategory,
    ThresholdLevel,
)
from tests.admin_forms import management_form_data
from uploads.images import renditions_make

pytestmark = pytest.mark.django_db

REGISTERED_MODELS = sorted(admin.site._registry, key=lambda model: model._meta.label)
MODEL_IDS = [model._meta.label for model in REGISTERED_MODELS]
FIRST_DAY = datetime.datetime(2025, 6, 30, 12, tzinfo=datetime.UTC)


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def make_model(name, *, aliases=(), **fields):
    model = AIModel.objects.create(name=name, slug=slugify(name), status=Status.PUBLISHED, **fields)
    for alias in aliases:
        AIModelAlias.objects.create(model=model, name=alias)
    return model


def make_topic(name, **fields):
    return Topic.objects.create(name=name, slug=slugify(name), status=Status.PUBLISHED, **fields)


def make_publication(title, *, ai_models=(), topics=(), **fields):
    fields = {
        "slug": slugify(title),
        "kind": Kind.SYSTEM_CARD,
        "summary": f"What {title} says.",
        "status": Status.PUBLISHED,
        "published_at": FIRST_DAY,
        **fields,
    }
    publication = Publication.objects.create(title=title, **fields)
    publication.ai_models.set(ai_models)
    publication.topics.set(topics)
    return publication


def add_publications(count, *, start=0, ai_models, topics, parent):
    """Publications every three hours back from FIRST_DAY, each about two models and two topics.

    The first ten fall on 29 and 30 June 2025; a thousand fill that year from late February, so
    every level of the date drill-down holds more rows in the larger set.
    """
    kinds = [Kind.SYSTEM_CARD, Kind.ADDENDUM, Kind.RESEARCH, Kind.NEWS, Kind.POLICY]
    statuses = [Status.PUBLISHED, Status.PUBLISHED, Status.DRAFT, Status.REVIEW]
    publications = Publication.objects.bulk_create(
        Publication(
            title=f"Report {number}",
            slug=f"report-{number}",
            kind=kinds[number % len(kinds)],
            label=Label.SAFETY if number % 2 else "",
            parent=parent if kinds[number % len(kinds)] == Kind.ADDENDUM else None,
            summary=f"Findings of report {number}.",
            status=statuses[number % len(statuses)],
            published_at=FIRST_DAY - datetime.timedelta(hours=3 * number),
        )
        for number in range(start, start + count)
    )
    model_links = Publication.ai_models.through
    topic_links = Publication.topics.through
    model_links.objects.bulk_create(
        model_links(publication=publication, aimodel=ai_models[(number + step) % len(ai_models)])
        for number, publication in enumerate(publications)
        for step in (0, 1)
    )
    topic_links.objects.bulk_create(
        topic_links(publication=publication, topic=topics[(number + step) % len(topics)])
        for number, publication in enumerate(publications)
        for step in (0, 1)
    )


def result_titles(response):
    return [str(row) for row in response.context["cl"].result_list]


def queued_task(settings):
    """A task as the database backend keeps it: the renditions of an image, queued."""
    settings.TASKS = {
        **settings.TASKS,
        "database": {"BACKEND": settings.TASKS_BACKENDS["database"]},
    }
    result = renditions_make.using(backend="database").enqueue(
        app_label="catalog", model_name="person", field_name="portrait", name="x.png"
    )
    return DBTaskResult.objects.get(pk=result.id)


@pytest.fixture
def one_of_each(admin_user, settings):
    """One saved object of every registered model, with its inlines filled in."""
    o3 = make_model("o3", aliases=["o3-2025-04-16"])
    codex = make_model("codex-1", family=o3)
    ModelLineage.objects.create(model=codex, source=o3)
    topic = make_topic("Deep fakes")
    stage = Stage.objects.create(name="Test", slug="test", summary="We test.")
    practice = Practice.objects.create(stage=stage, name="Red teaming", slug="red-teaming")
    card = make_publication("o3 System Card", ai_models=[o3], topics=[topic])
    card.practices.add(practice)
    make_publication("Addendum: codex-1", kind=Kind.ADDENDUM, parent=card, ai_models=[codex])
    person = Person.objects.create(name="Zico Kolter", slug="zico-kolter")
    committee = Committee.objects.create(
        name="Safety and Security Committee", slug="ssc", mandate="Oversight."
    )
    Membership.objects.create(committee=committee, person=person, role="Chair")
    conversation = Conversation.objects.create(title="Where is AI going?", slug="where")
    conversation.speakers.add(person)
    hub = HubPage.objects.create(
        title="Safety",
        intro="Intro.",
        meta_title="Safety",
        lifecycle_heading="Lifecycle",
        lifecycle_intro="How.",
        topics_heading="Topics",
        conversations_heading="Conversations",
        news_heading="News",
        deeper_heading="Go deeper",
    )
    HubFeature.objects.create(hub=hub, publication=card, position=1)
    HubFeature.objects.create(hub=hub, committee=committee, position=2)
    category = EvaluationCategory.objects.create(name="Jailbreaks", slug="jailbreaks")
    evaluation = Evaluation.objects.create(category=category, name="StrongReject", slug="sr")
    metric = Metric.objects.create(evaluation=evaluation, name="score")
    result = Result.objects.create(
        evaluation=evaluation,
        metric=metric,
        ai_model=o3,
        value="0.5",
        measured_on=datetime.date(2025, 4, 16),
        source=card,
    )
    version = FrameworkVersion.objects.create(
        name="Version 2", slug="v2", released_on=datetime.date(2025, 4, 15)
    )
    risk = RiskCategory.objects.create(version=version, name="Cybersecurity", slug="cyber")
    level = ThresholdLevel.objects.create(version=version, name="High", slug="high", rank=1)
    determination = Determination.objects.create(
        ai_model=o3, category=risk, level=level, source=card, committee=committee
    )
    objects = {
        AIModel: o3,
        Topic: topic,
        Stage: stage,
        Practice: practice,
        Publication: card,
        Person: person,
        Committee: committee,
        Conversation: conversation,
        HubPage: hub,
        EvaluationCategory: category,
        Evaluation: evaluation,
        Metric: metric,
        Result: result,
        FrameworkVersion: version,
        RiskCategory: risk,
        ThresholdLevel: level,
        Determination: determination,
        Group: Group.objects.get_or_create(name="Editors")[0],  # editorial's migration makes it
        type(admin_user): admin_user,
        PreviewLink: preview_link_create(target=card, user=admin_user),
        Redirect: Redirect.objects.create(old_path="/publications/old/", new_path="/"),
        DBTaskResult: queued_task(settings),
    }
    missing = set(REGISTERED_MODELS) - set(objects)
    assert not missing, f"add an object of {missing} to the one_of_each fixture"
    return objects


@pytest.fixture
def catalog():
    """The related rows that bulk-created publications point to."""
    ai_models = [
        make_model("GPT-5", aliases=["gpt-5-thinking-nano"]),
        make_model("o3"),
        make_model("o4-mini"),
        make_model("codex-1"),
    ]
    topics = [make_topic("Child safety"), make_topic("Bias"), make_topic("Elections")]
    parent = make_publication("GPT-5 System Card", published_at=FIRST_DAY + datetime.timedelta(1))
    Committee.objects.create(name="Safety Advisory Group", slug="sag", mandate="Advice.")
    return {"ai_models": ai_models, "topics": topics, "parent": parent}


@pytest.mark.parametrize("model", REGISTERED_MODELS, ids=MODEL_IDS)
def test_every_admin_changelist_opens(admin_client, one_of_each, model):
    response = admin_client.get(admin_url(model, "changelist"))

    assert response.status_code == 200


# Preview links are made from an item's change form ("Save and create a preview link"); tasks
# are queued by the code that needs them (uploads.images), and only looked at in the admin.
ADDABLE_MODELS = [model for model in REGISTERED_MODELS if model not in {PreviewLink, DBTaskResult}]


@pytest.mark.parametrize("model", ADDABLE_MODELS, ids=lambda model: model._meta.label)
def test_every_admin_add_page_opens(admin_client, model):
    response = admin_client.get(admin_url(model, "add"))

    assert response.status_code == 200


@pytest.mark.parametrize("model", REGISTERED_MODELS, ids=MODEL_IDS)
def test_every_admin_change_page_opens(admin_client, one_of_each, model):
    response = admin_client.get(admin_url(model, "change", one_of_each[model].pk))

    assert response.status_code == 200


def test_change_page_links_to_the_object_on_the_site(admin_client, one_of_each):
    card = one_of_each[Publication]

    response = admin_client.get(admin_url(Publication, "change", card.pk))

    assert response.context["has_absolute_url"]
    assert response.context["absolute_url"].startswith("/admin/r/")


def test_system_card_shows_its_addenda_read_only_with_change_links(admin_client, one_of_each):
    card = one_of_each[Publication]
    addendum = card.addenda.get()

    response = admin_client.get(admin_url(Publication, "change", card.pk))

    [addenda] = response.context["inline_admin_formsets"]
    assert not addenda.has_add_permission
    assert not addenda.has_change_permission
    assert not addenda.has_delete_permission
    assert admin_url(Publication, "change", addendum.pk) in response.text


def test_addendum_has_no_addenda_inline(admin_client, one_of_each):
    addendum = one_of_each[Publication].addenda.get()

    response = admin_client.get(admin_url(Publication, "change", addendum.pk))

    assert response.context["inline_admin_formsets"] == []


def test_hub_page_cannot_be_added_twice(admin_client, one_of_each):
    response = admin_client.get(admin_url(HubPage, "add"))

    assert response.status_code == 403


def test_hub_page_cannot_be_deleted(admin_client, one_of_each):
    response = admin_client.post(
        admin_url(HubPage, "delete", one_of_each[HubPage].pk), {"post": "yes"}
    )

    assert response.status_code == 403
    assert HubPage.objects.exists()


def test_admin_search_finds_a_publication_by_its_title(admin_client):
    make_publication("GPT-5 System Card")
    make_publication("Preparedness Framework", kind=Kind.FRAMEWORK)

    response = admin_client.get(admin_url(Publication, "changelist"), {"q": "preparedness"})

    assert result_titles(response) == ["Preparedness Framework"]


def test_admin_search_finds_a_publication_by_an_alias_of_its_ai_model(admin_client):
    gpt5 = make_model("GPT-5", aliases=["gpt-5-thinking-nano"])
    make_publication("GPT-5 System Card", ai_models=[gpt5])
    make_publication("Sora System Card")

    response = admin_client.get(admin_url(Publication, "changelist"), {"q": "thinking-nano"})

    assert result_titles(response) == ["GPT-5 System Card"]


def test_admin_search_lists_a_publication_once_when_several_of_its_models_match(admin_client):
    models = [make_model("o3"), make_model("o3-pro"), make_model("o4-mini", aliases=["o3-ish"])]
    make_publication("OpenAI o3 and o4-mini System Card", ai_models=models)

    response = admin_client.get(admin_url(Publication, "changelist"), {"q": "o3"})

    assert result_titles(response) == ["OpenAI o3 and o4-mini System Card"]
    assert response.context["cl"].result_count == 1


def test_admin_search_needs_every_word_to_match(admin_client):
    codex = make_model("codex-1")
    make_publication("Addendum: GPT-5-Codex", ai_models=[codex], slug="gpt-5-codex")
    make_publication("GPT-5 System Card")

    response = admin_client.get(admin_url(Publication, "changelist"), {"q": "gpt-5 codex-1"})

    assert result_titles(response) == ["Addendum: GPT-5-Codex"]


def test_ai_model_filter_lists_the_publications_about_that_model(admin_client):
    o3, sora = make_model("o3"), make_model("Sora")
    make_publication("o3 System Card", ai_models=[o3, sora])
    make_publication("Sora System Card", ai_models=[sora])

    response = admin_client.get(admin_url(Publication, "changelist"), {"ai_model": "o3"})

    assert result_titles(response) == ["o3 System Card"]


def test_parent_autocomplete_offers_only_system_cards(admin_client):
    card = make_publication("GPT-5 System Card")
    make_publication("GPT-5 launch", kind=Kind.NEWS)

    response = admin_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "catalog",
            "model_name": "publication",
            "field_name": "parent",
            "term": "gpt-5",
        },
    )

    assert [result["id"] for result in response.json()["results"]] == [str(card.pk)]


def publication_form(response, **fields):
    return {
        "title": "GPT-5-Codex",
        "slug": "gpt-5-codex",
        "kind": Kind.SYSTEM_CARD,
        "label": Label.PUBLICATION,
        "status": Status.DRAFT,
        "published_at_0": "2025-09-15",
        "published_at_1": "09:00:00",
        "summary": "What changes with GPT-5-Codex.",
        "body": "",
        "external_url": "",
        "cover_alt": "",
        **management_form_data(response),
        **fields,
    }


def test_publication_add_form_saves_the_publication_and_its_relations(admin_client):
    codex = make_model("GPT-5-Codex")
    topic = make_topic("Cybersecurity")
    add_url = admin_url(Publication, "add")
    form_page = admin_client.get(add_url)

    response = admin_client.post(
        add_url, publication_form(form_page, ai_models=[codex.pk], topics=[topic.pk])
    )

    assert response.status_code == 302
    publication = Publication.objects.get(slug="gpt-5-codex")
    assert publication.status == Status.DRAFT
    assert list(publication.ai_models.all()) == [codex]
    assert list(publication.topics.all()) == [topic]


def test_system_card_change_form_saves_with_its_addenda_inline(admin_client, one_of_each):
    card = one_of_each[Publication]
    change_url = admin_url(Publication, "change", card.pk)
    form_page = admin_client.get(change_url)

    response = admin_client.post(
        change_url, publication_form(form_page, title="o3 System Card, revised", slug=card.slug)
    )

    assert response.status_code == 302
    card.refresh_from_db()
    assert card.title == "o3 System Card, revised"
    assert card.addenda.count() == 1


def test_addendum_without_parent_gets_a_form_error(admin_client):
    add_url = admin_url(Publication, "add")
    form_page = admin_client.get(add_url)

    response = admin_client.post(add_url, publication_form(form_page, kind=Kind.ADDENDUM))

    assert response.status_code == 200
    assert "parent" in response.context["adminform"].form.errors
    assert not Publication.objects.exists()


def test_system_card_with_a_parent_gets_a_form_error(admin_client):
    card = make_publication("GPT-5 System Card")
    add_url = admin_url(Publication, "add")
    form_page = admin_client.get(add_url)

    response = admin_client.post(add_url, publication_form(form_page, parent=card.pk))

    assert response.status_code == 200
    assert "parent" in response.context["adminform"].form.errors
    assert Publication.objects.count() == 1


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "model, query",
    [
        (Publication, ""),
        (Publication, "?status__exact=published"),
        (Publication, "?kind__exact=addendum&label__exact=safety"),
        (Publication, "?ai_model=o3&topic=bias"),
        (Publication, "?q=o3"),
        (Publication, "?q=thinking-nano+report"),
        (Publication, "?published=2025"),
        (Publication, "?published=2025-06"),
        (Publication, "?o=2.-5"),
        (Publication, "?_facets=1"),
        (AIModel, ""),
        (Topic, ""),
        (Committee, ""),
    ],
    ids=lambda value: value if isinstance(value, str) else value.__name__,
)
def test_changelist_queries_do_not_grow_with_publications(
    admin_client, django_assert_max_num_queries, catalog, model, query
):
    url = admin_url(model, "changelist") + query
    add_publications(10, **catalog)
    queries_with_10 = count_queries(admin_client, url)
    add_publications(990, start=10, **catalog)

    with django_assert_max_num_queries(queries_with_10):
        response = admin_client.get(url)

    assert response.status_code == 200


def test_publication_changelist_counts_once_and_pages(admin_client, catalog):
    add_publications(120, **catalog)

    response = admin_client.get(admin_url(Publication, "changelist"), {"p": "2"})

    changelist = response.context["cl"]
    assert changelist.full_result_count is None
    assert changelist.result_count == 121
    assert len(changelist.result_list) == 50


def test_deep_page_lists_the_same_rows_as_a_plain_offset(admin_client, catalog):
    add_publications(1100, **catalog)
    ordered = Publication.objects.order_by("-published_at", "-pk")

    response = admin_client.get(admin_url(Publication, "changelist"), {"p": "22"})

    assert list(response.context["cl"].result_list) == list(ordered[1050:1100])


def test_date_filter_lists_the_years_from_the_first_publication_to_the_last(admin_client):
    """From the index's first and last date, not a scan of every row's (date_hierarchy's)."""
    for year in (2021, 2024, 2025):
        make_publication(f"Card {year}", published_at=FIRST_DAY.replace(year=year))

    response = admin_client.get(admin_url(Publication, "changelist"))

    links = {year: f"?published={year}" in response.text for year in range(2019, 2028)}
    assert [year for year, linked in links.items() if linked] == [2021, 2022, 2023, 2024, 2025]


def inline_form_data(response):
    """Every inline form's current values, as the change page would post them back."""
    data = management_form_data(response)
    for inline_formset in response.context["inline_admin_formsets"]:
        for form in inline_formset.formset.forms:
            for name in form.fields:
                value = form[name].value()
                if value is not None and value is not False:
                    data[form.add_prefix(name)] = value
    return data


def evaluation_form(response, evaluation, **fields):
    return {
        "category": evaluation.category_id,
        "name": evaluation.name,
        "slug": evaluation.slug,
        "description": "",
        "position": 0,
        **inline_form_data(response),
        **fields,
    }


def test_results_are_edited_inline_on_their_evaluation(admin_client, one_of_each):
    evaluation = one_of_each[Evaluation]
    change_url = admin_url(Evaluation, "change", evaluation.pk)
    o4_mini = make_model("o4-mini")
    form_page = admin_client.get(change_url)

    response = admin_client.post(
        change_url,
        evaluation_form(
            form_page,
            evaluation,
            **{
                "results-1-metric": evaluation.metrics.get().pk,
                "results-1-ai_model": o4_mini.pk,
                "results-1-value": "0.75",
                "results-1-measured_on": "2025-05-16",
                "results-1-source": one_of_each[Publication].pk,
            },
        ),
    )

    assert response.status_code == 302
    assert evaluation.results.get(ai_model=o4_mini).value == Decimal("0.75")


def test_an_inline_result_outside_the_range_gets_a_form_error(admin_client, one_of_each):
    evaluation = one_of_each[Evaluation]
    change_url = admin_url(Evaluation, "change", evaluation.pk)
    form_page = admin_client.get(change_url)

    response = admin_client.post(
        change_url, evaluation_form(form_page, evaluation, **{"results-0-value": "1.5"})
    )

    assert response.status_code == 200
    assert "1.5 is outside score’s range, 0–1." in response.content.decode()
    assert Result.objects.get().value == Decimal("0.5")


def test_the_results_inline_offers_only_the_evaluations_metrics(admin_client, one_of_each):
    evaluation = one_of_each[Evaluation]
    Evaluation.objects.create(
        category=evaluation.category, name="Other", slug="other"
    ).metrics.create(name="other_metric")

    response = admin_client.get(admin_url(Evaluation, "change", evaluation.pk))

    results_inline = response.context["inline_admin_formsets"][1]
    metric_choices = results_inline.formset.forms[0].fields["metric"].choices
    assert [label for value, label in metric_choices if value] == ["score"]


def test_a_new_evaluation_gets_its_metrics_before_its_results(admin_client):
    response = admin_client.get(admin_url(Evaluation, "add"))

    assert [
        inline_formset.formset.prefix
        for inline_formset in response.context["inline_admin_formsets"]
    ] == ["metrics"]


def add_results_and_determinations(count, one_of_each):
    """`count` more models, each with a result and a determination."""
    result, determination = one_of_each[Result], one_of_each[Determination]
    start = AIModel.objects.count()
    models = AIModel.objects.bulk_create(
        AIModel(name=f"model {start + n}", slug=f"model-{start + n}") for n in range(count)
    )
    Result.objects.bulk_create(
        Result(
            evaluation=result.evaluation,
            metric=result.metric,
            ai_model=model,
            value="0.5",
            measured_on=result.measured_on,
            source=result.source,
        )
        for model in models
    )
    Determination.objects.bulk_create(
        Determination(
            ai_model=model,
            category=determination.category,
            level=determination.level,
            source=determination.source,
            committee=determination.committee,
        )
        for model in models
    )


@pytest.mark.parametrize("model", [Result, Determination, Evaluation, Metric])
def test_evaluation_changelists_do_not_grow_with_results(
    admin_client, django_assert_max_num_queries, one_of_each, model
):
    url = admin_url(model, "changelist")
    add_results_and_determinations(3, one_of_each)
    queries_with_few = count_queries(admin_client, url)
    add_results_and_determinations(200, one_of_each)

    with django_assert_max_num_queries(queries_with_few):
        response = admin_client.get(url)

    assert response.status_code == 200
