"""What the evaluation tables refuse: the database where it can, validation where it cannot."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from evaluations.models import (
    Determination,
    Evaluation,
    FrameworkVersion,
    Metric,
    Result,
    RiskCategory,
    ThresholdLevel,
    value_text,
)
from tests.factories import make_evaluation, make_model, make_publication, make_result

pytestmark = pytest.mark.django_db


@pytest.fixture
def strongreject():
    return make_evaluation(name="StrongReject", slug="strongreject")


def refused_by_the_database(create):
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


@pytest.mark.parametrize(
    ("value", "text"),
    [("0.9900", "0.99"), ("10.0000", "10"), ("0.0000", "0"), ("-0.5000", "-0.5"), ("1", "1")],
)
def test_values_are_written_the_way_people_write_them(value, text):
    assert value_text(Decimal(value)) == text


def test_a_metric_range_must_be_ordered(strongreject):
    refused_by_the_database(
        lambda: Metric.objects.create(evaluation=strongreject, name="bad", minimum=1, maximum=0)
    )


def test_a_metric_direction_must_be_known(strongreject):
    refused_by_the_database(
        lambda: Metric.objects.create(evaluation=strongreject, name="bad", direction="sideways")
    )


def test_a_metric_name_is_unique_within_its_evaluation(strongreject):
    refused_by_the_database(lambda: Metric.objects.create(evaluation=strongreject, name="score"))
    Metric.objects.create(evaluation=make_evaluation(metrics=[]), name="score")


def test_compare_cannot_be_an_evaluation_slug(strongreject):
    refused_by_the_database(
        lambda: Evaluation.objects.create(
            category=strongreject.category, name="Compare", slug="compare"
        )
    )


def test_a_model_has_one_value_per_metric_and_sub_category(strongreject):
    metric = strongreject.metrics.get()
    o3, card = make_model(name="o3"), make_publication()
    make_result(metric=metric, ai_model=o3, source=card, value="0.5")
    make_result(metric=metric, ai_model=o3, source=card, value="0.6", subcategory="hate")

    refused_by_the_database(
        lambda: make_result(metric=metric, ai_model=o3, source=card, value="0.7")
    )


def result(metric, value, evaluation=None):
    return Result(
        evaluation=evaluation or metric.evaluation,
        metric=metric,
        ai_model=make_model(),
        source=make_publication(),
        value=Decimal(value),
        measured_on=date(2025, 4, 16),
    )


@pytest.mark.parametrize("value", ["1.0001", "-0.0001", "7"])
def test_a_value_outside_the_metrics_range_is_invalid(strongreject, value):
    with pytest.raises(ValidationError, match="outside score’s range, 0–1"):
        result(strongreject.metrics.get(), value).full_clean()


@pytest.mark.parametrize("value", ["0", "1", "0.5"])
def test_a_value_inside_the_range_is_valid(strongreject, value):
    result(strongreject.metrics.get(), value).full_clean()


def test_a_result_metric_must_belong_to_its_evaluation(strongreject):
    other = make_evaluation(name="SimpleQA", slug="simpleqa").metrics.get()

    with pytest.raises(ValidationError, match="is not a metric of this evaluation"):
        result(other, "0.5", evaluation=strongreject).full_clean()


@pytest.fixture
def frameworks():
    v1 = FrameworkVersion.objects.create(
        name="Version 1", slug="v1", released_on=date(2023, 12, 18), scores_mitigation=True
    )
    v2 = FrameworkVersion.objects.create(name="Version 2", slug="v2", released_on=date(2025, 4, 15))
    return {
        "v1 cbrn": RiskCategory.objects.create(version=v1, name="CBRN", slug="cbrn"),
        "v2 bio": RiskCategory.objects.create(version=v2, name="Biological", slug="bio"),
        "v1 medium": ThresholdLevel.objects.create(version=v1, name="Medium", slug="m", rank=1),
        "v1 high": ThresholdLevel.objects.create(version=v1, name="High", slug="h", rank=2),
        "v2 high": ThresholdLevel.objects.create(version=v2, name="High", slug="high", rank=1),
    }


def determination(category, level, pre_mitigation_level=None):
    return Determination(
        ai_model=make_model(),
        category=category,
        level=level,
        pre_mitigation_level=pre_mitigation_level,
        source=make_publication(),
    )


def test_a_v1_determination_may_give_the_level_before_mitigation(frameworks):
    determination(
        frameworks["v1 cbrn"], frameworks["v1 medium"], frameworks["v1 high"]
    ).full_clean()


def test_only_a_scorecard_version_has_a_level_before_mitigation(frameworks):
    with pytest.raises(ValidationError, match="does not score before mitigation"):
        determination(
            frameworks["v2 bio"], frameworks["v2 high"], frameworks["v2 high"]
        ).full_clean()


def test_a_determination_level_belongs_to_its_categorys_version(frameworks):
    with pytest.raises(ValidationError, match="Choose a level of Preparedness Framework"):
        determination(frameworks["v2 bio"], frameworks["v1 high"]).full_clean()


def test_a_model_has_one_determination_per_category(frameworks):
    first = determination(frameworks["v2 bio"], frameworks["v2 high"])
    first.save()

    refused_by_the_database(
        lambda: Determination.objects.create(
            ai_model=first.ai_model,
            category=frameworks["v2 bio"],
            level=frameworks["v2 high"],
            source=first.source,
        )
    )


def test_threshold_ranks_are_unique_within_a_version(frameworks):
    version = frameworks["v2 high"].version

    refused_by_the_database(
        lambda: ThresholdLevel.objects.create(version=version, name="Also high", slug="x", rank=1)
    )


def test_a_publication_with_results_cannot_be_deleted_from_under_them(strongreject):
    card = make_publication()
    make_result(metric=strongreject.metrics.get(), ai_model=make_model(), source=card, value="1")

    with pytest.raises(ProtectedError):
        card.delete()
