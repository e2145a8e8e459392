"""Evaluations as an app of their own: a database made before they left catalog migrates
without losing a row, what pointed at those rows (permissions, the admin's log, revisions)
still finds them, and the pages still follow every change."""

import ast
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone
from reversion.models import Version

from editorial.roles import roles_create
from evaluations.models import (
    Determination,
    Direction,
    Evaluation,
    EvaluationCategory,
    FrameworkVersion,
    Metric,
    Result,
    RiskCategory,
    ThresholdLevel,
)
from tests.factories import make_evaluation

# The latest catalog migration before the evaluations moved out; evaluations did not exist.
BEFORE_THE_MOVE = ("catalog", "0014_markdown_html")
MOVED = [
    EvaluationCategory,
    Evaluation,
    Metric,
    Result,
    FrameworkVersion,
    RiskCategory,
    ThresholdLevel,
    Determination,
]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    ContentType.objects.clear_cache()
    return executor


def latest_nodes():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def state_before_the_move(executor):
    """The models as they were on main before the move: catalog at 0014, every other app at
    its latest migration, no evaluations app (nor search's index, which indexes evaluations)."""
    nodes = [node for node in latest_nodes() if node[0] not in {"catalog", "evaluations", "search"}]
    return executor.loader.project_state([*nodes, BEFORE_THE_MOVE]).apps


def old_content_fill(apps):
    """One of everything, saved through the historical models, and what points at them."""

    def model(name):
        return apps.get_model("catalog", name)

    now = timezone.now()
    live = {"status": "published", "published_at": now}
    ai_model = model("AIModel").objects.create(name="o3", slug="o3", **live)
    card = model("Publication").objects.create(
        title="o3 System Card", slug="o3-system-card", summary="The card.", **live
    )
    committee = model("Committee").objects.create(
        name="Safety Advisory Group", slug="sag", mandate="Reviews.", **live
    )
    category = model("EvaluationCategory").objects.create(name="Jailbreaks", slug="jailbreaks")
    evaluation = model("Evaluation").objects.create(
        category=category, name="StrongReject", slug="strongreject"
    )
    metric = model("Metric").objects.create(
        evaluation=evaluation, name="not_unsafe", direction="lower", maximum=Decimal("1")
    )
    model("Result").objects.create(
        evaluation=evaluation,
        metric=metric,
        ai_model=ai_model,
        subcategory="hate",
        value=Decimal("0.9750"),
        measured_on=date(2025, 4, 16),
        source=card,
    )
    version = model("FrameworkVersion").objects.create(
        name="Version 2", slug="v2", released_on=date(2025, 4, 15), publication=card
    )
    risk = model("RiskCategory").objects.create(version=version, name="Cybersecurity", slug="cyber")
    high = model("ThresholdLevel").objects.create(version=version, name="High", slug="high", rank=1)
    model("Determination").objects.create(
        ai_model=ai_model, category=risk, level=high, source=card, committee=committee
    )

    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")

    def content_type(app_label, model_name):
        return ContentType.objects.get_or_create(app_label=app_label, model=model_name)[0]

    def permission(content_type, codename):
        return Permission.objects.get_or_create(
            content_type=content_type, codename=codename, defaults={"name": codename}
        )[0]

    # The old content type of each moved model, as Django made them before the move.
    old_types = {
        name: content_type("catalog", name) for name in [m._meta.model_name for m in MOVED]
    }
    # A migrate run between the two migrations may already have made a new one for results,
    # with its own permissions; determinations have none yet.
    fresh_result_type = content_type("evaluations", "result")
    ContentType.objects.filter(app_label="evaluations", model="determination").delete()

    reviewers = apps.get_model("auth", "Group").objects.create(name="Evaluation reviewers")
    reviewers.permissions.add(
        permission(old_types["result"], "change_result"),
        permission(fresh_result_type, "view_result"),
        permission(old_types["determination"], "change_determination"),
    )
    user = apps.get_model("auth", "User").objects.create(username="reviewer", is_staff=True)
    user.groups.add(reviewers)

    apps.get_model("admin", "LogEntry").objects.create(
        user=user,
        content_type=old_types["evaluation"],
        object_id=str(evaluation.pk),
        object_repr="StrongReject",
        action_flag=CHANGE,
        change_message="Renamed it.",
        action_time=now,
    )
    revision = apps.get_model("reversion", "Revision").objects.create(
        date_created=now, user=user, comment="Changed the range."
    )
    stored = [
        {
            "model": "catalog.metric",
            "pk": metric.pk,
            "fields": {
                "evaluation": evaluation.pk,
                "name": "not_unsafe",
                "description": "",
                "unit": "",
                "minimum": "0.0000",
                "maximum": "1.0000",
                "direction": "lower",
                "position": 0,
            },
        }
    ]
    apps.get_model("reversion", "Version").objects.create(
        revision=revision,
        object_id=str(metric.pk),
        content_type=old_types["metric"],
        db="default",
        format="json",
        serialized_data=json.dumps(stored),
        object_repr="StrongReject: not_unsafe",
    )


@pytest.mark.django_db(transaction=True)
def test_a_database_from_before_the_move_keeps_every_evaluation_row_and_reference():
    executor = migrate([BEFORE_THE_MOVE])
    try:
        old_content_fill(state_before_the_move(executor))

        migrate(latest_nodes())

        assert {model.__name__: model.objects.count() for model in MOVED} == {
            model.__name__: 1 for model in MOVED
        }
        result = Result.objects.select_related("metric__evaluation__category", "ai_model").get()
        assert (result.ai_model.slug, result.subcategory, result.value) == (
            "o3",
            "hate",
            Decimal("0.975"),
        )
        assert result.metric.direction == Direction.LOWER
        assert result.metric.evaluation.category.name == "Jailbreaks"
        determination = Determination.objects.select_related("level", "committee").get()
        assert (determination.level.name, determination.committee.slug) == ("High", "sag")
        assert FrameworkVersion.objects.get().publication.slug == "o3-system-card"

        for model in MOVED:
            name = model._meta.model_name
            assert ContentType.objects.get_for_model(model).app_label == "evaluations"
            assert not ContentType.objects.filter(app_label="catalog", model=name).exists()
            assert ContentType.objects.filter(model=name).count() == 1

        reviewer = User.objects.get(username="reviewer")
        assert reviewer.has_perm("evaluations.change_result")
        assert reviewer.has_perm("evaluations.view_result")
        assert reviewer.has_perm("evaluations.change_determination")
        assert not reviewer.has_perm("evaluations.delete_result")
        assert Group.objects.get(name="Evaluation reviewers").permissions.count() == 3

        entry = LogEntry.objects.get(change_message="Renamed it.")
        assert entry.get_edited_object() == Evaluation.objects.get()

        metric = Metric.objects.get()
        version = Version.objects.get_for_object(metric).get()
        assert version.object == metric
        assert version.field_dict["direction"] == Direction.LOWER
    finally:
        migrate(latest_nodes())


@pytest.mark.django_db(transaction=True)
def test_moving_back_and_forth_keeps_the_moved_rows_and_permissions():
    """The move can be undone (migrate catalog 0014) and redone without losing anything."""
    roles_create()  # made by a migration, but a transactional test's flush removes them
    category = EvaluationCategory.objects.create(name="Hallucinations", slug="hallucinations")
    editors_may_view = Group.objects.get(name="Editors").permissions.filter(
        content_type__app_label="evaluations"
    )
    granted = sorted(editors_may_view.values_list("codename", flat=True))
    assert granted  # the roles grant the evaluations' view permissions to Editors
    try:
        migrate([BEFORE_THE_MOVE])
        assert not ContentType.objects.filter(app_label="evaluations").exists()

        migrate(latest_nodes())
    finally:
        migrate(latest_nodes())

    assert EvaluationCategory.objects.get().pk == category.pk
    assert sorted(editors_may_view.values_list("codename", flat=True)) == granted


@pytest.mark.django_db
def test_editing_an_evaluation_retires_the_cached_pages(client, settings):
    settings.PAGE_CACHE_SECONDS = 3600
    evaluation = make_evaluation(name="SimpleQA", slug="simpleqa")
    assert client.get("/evaluations/simpleqa/")["X-Page-Cache"] == "miss"
    assert client.get("/evaluations/simpleqa/")["X-Page-Cache"] == "hit"

    evaluation.description = "Short fact-seeking questions."
    evaluation.save()

    response = client.get("/evaluations/simpleqa/")
    assert response["X-Page-Cache"] == "miss"
    assert "Short fact-seeking questions." in response.content.decode()


def imported_modules(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            yield node.module
        elif isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)


def test_catalog_never_imports_evaluations():
    """Dependencies point one way: evaluations reads catalog, catalog knows nothing of it."""
    catalog = Path(__file__).resolve().parent.parent / "catalog"
    importing = {
        str(path.relative_to(catalog))
        for path in catalog.rglob("*.py")
        if any(module.split(".")[0] == "evaluations" for module in imported_modules(path))
    }
    assert importing == set()
