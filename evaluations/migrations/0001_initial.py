"""Evaluations' models, moved here from catalog: only Django's record of them changes; their
tables (named catalog_*) and every row stay as they are."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("catalog", "0015_move_evaluations_out"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="EvaluationCategory",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("name", models.CharField(max_length=100, unique=True)),
                        ("slug", models.SlugField(max_length=100, unique=True)),
                        (
                            "description",
                            models.TextField(
                                blank=True, help_text="What this kind of evaluation checks."
                            ),
                        ),
                        (
                            "position",
                            models.PositiveSmallIntegerField(
                                default=0,
                                help_text="Categories are listed in increasing order of this number.",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "evaluation category",
                        "verbose_name_plural": "evaluation categories",
                        "db_table": "catalog_evaluationcategory",
                        "ordering": ["position", "name"],
                    },
                ),
                migrations.CreateModel(
                    name="Evaluation",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "name",
                            models.CharField(
                                help_text="E.g. “StrongReject”.", max_length=150, unique=True
                            ),
                        ),
                        ("slug", models.SlugField(max_length=150, unique=True)),
                        (
                            "description",
                            models.TextField(
                                blank=True,
                                help_text="What the evaluation measures, in a sentence or two.",
                            ),
                        ),
                        (
                            "position",
                            models.PositiveSmallIntegerField(
                                default=0, help_text="Order within the category."
                            ),
                        ),
                        (
                            "category",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="evaluations",
                                to="evaluations.evaluationcategory",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "catalog_evaluation",
                        "ordering": ["category__position", "position", "name"],
                    },
                ),
                migrations.CreateModel(
                    name="FrameworkVersion",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "name",
                            models.CharField(
                                help_text="E.g. “Version 2”.", max_length=100, unique=True
                            ),
                        ),
                        ("slug", models.SlugField(unique=True)),
                        (
                            "released_on",
                            models.DateField(help_text="When this version took effect."),
                        ),
                        ("summary", models.TextField(blank=True)),
                        (
                            "scores_mitigation",
                            models.BooleanField(
                                default=False,
                                help_text="Version 1 scored each category before and after mitigation.",
                                verbose_name="scores before and after mitigation",
                            ),
                        ),
                        (
                            "publication",
                            models.ForeignKey(
                                blank=True,
                                help_text="The framework document, if it is on the site.",
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to="catalog.publication",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "Preparedness Framework version",
                        "db_table": "catalog_frameworkversion",
                        "ordering": ["-released_on"],
                    },
                ),
                migrations.CreateModel(
                    name="Metric",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "name",
                            models.CharField(
                                help_text="As the cards write it, e.g. “not_unsafe”. CSV files name the metric this way.",
                                max_length=100,
                            ),
                        ),
                        ("description", models.CharField(blank=True, max_length=300)),
                        (
                            "unit",
                            models.CharField(
                                blank=True,
                                help_text="E.g. “share of prompts” or “score”.",
                                max_length=50,
                            ),
                        ),
                        (
                            "minimum",
                            models.DecimalField(decimal_places=4, default=0, max_digits=10),
                        ),
                        (
                            "maximum",
                            models.DecimalField(
                                decimal_places=4,
                                default=1,
                                help_text="Results outside the range are refused.",
                                max_digits=10,
                            ),
                        ),
                        (
                            "direction",
                            models.CharField(
                                choices=[
                                    ("higher", "Higher is better"),
                                    ("lower", "Lower is better"),
                                ],
                                default="higher",
                                max_length=8,
                            ),
                        ),
                        ("position", models.PositiveSmallIntegerField(default=0)),
                        (
                            "evaluation",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="metrics",
                                to="evaluations.evaluation",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "catalog_metric",
                        "ordering": ["evaluation_id", "position", "name"],
                    },
                ),
                migrations.CreateModel(
                    name="Result",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "subcategory",
                            models.CharField(
                                blank=True,
                                help_text="Optional, e.g. “hate” or “self-harm”; leave empty for the overall value.",
                                max_length=100,
                                verbose_name="sub-category",
                            ),
                        ),
                        ("value", models.DecimalField(decimal_places=4, max_digits=10)),
                        ("measured_on", models.DateField(verbose_name="date measured")),
                        ("note", models.CharField(blank=True, max_length=300)),
                        (
                            "ai_model",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="results",
                                to="catalog.aimodel",
                                verbose_name="AI model",
                            ),
                        ),
                        (
                            "evaluation",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="results",
                                to="evaluations.evaluation",
                            ),
                        ),
                        (
                            "metric",
                            models.ForeignKey(
                                help_text="One of the evaluation's metrics.",
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="results",
                                to="evaluations.metric",
                            ),
                        ),
                        (
                            "source",
                            models.ForeignKey(
                                help_text="Where the value is published. Visitors see it only while that is live.",
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="results",
                                to="catalog.publication",
                                verbose_name="source publication",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "catalog_result",
                        "ordering": ["evaluation_id", "metric_id", "ai_model_id", "subcategory"],
                    },
                ),
                migrations.CreateModel(
                    name="RiskCategory",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("name", models.CharField(max_length=100)),
                        ("slug", models.SlugField(max_length=100)),
                        (
                            "kind",
                            models.CharField(
                                choices=[("tracked", "Tracked"), ("research", "Research")],
                                default="tracked",
                                help_text="Tracked categories get determinations; research categories are watched.",
                                max_length=8,
                            ),
                        ),
                        ("description", models.TextField(blank=True)),
                        ("position", models.PositiveSmallIntegerField(default=0)),
                        (
                            "version",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="categories",
                                to="evaluations.frameworkversion",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "risk category",
                        "verbose_name_plural": "risk categories",
                        "db_table": "catalog_riskcategory",
                        "ordering": ["version_id", "position", "name"],
                    },
                ),
                migrations.CreateModel(
                    name="ThresholdLevel",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("name", models.CharField(max_length=50)),
                        ("slug", models.SlugField()),
                        (
                            "rank",
                            models.PositiveSmallIntegerField(
                                help_text="0 for the lowest level, then 1, 2, ..."
                            ),
                        ),
                        (
                            "description",
                            models.TextField(
                                blank=True, help_text="What reaching this level means."
                            ),
                        ),
                        (
                            "version",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="levels",
                                to="evaluations.frameworkversion",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "threshold level",
                        "db_table": "catalog_thresholdlevel",
                        "ordering": ["version_id", "rank"],
                    },
                ),
                migrations.CreateModel(
                    name="Determination",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "note",
                            models.CharField(
                                blank=True, help_text="E.g. “as a precaution”.", max_length=300
                            ),
                        ),
                        (
                            "ai_model",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="determinations",
                                to="catalog.aimodel",
                                verbose_name="AI model",
                            ),
                        ),
                        (
                            "committee",
                            models.ForeignKey(
                                blank=True,
                                help_text="The committee that made the determination, where the card says.",
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="determinations",
                                to="catalog.committee",
                                verbose_name="determined by",
                            ),
                        ),
                        (
                            "source",
                            models.ForeignKey(
                                help_text="The card that states it. Visitors see it only while that is live.",
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="determinations",
                                to="catalog.publication",
                                verbose_name="source card",
                            ),
                        ),
                        (
                            "category",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="determinations",
                                to="evaluations.riskcategory",
                            ),
                        ),
                        (
                            "level",
                            models.ForeignKey(
                                help_text="The level the card states; on a v1 scorecard, the level after mitigation.",
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="evaluations.thresholdlevel",
                            ),
                        ),
                        (
                            "pre_mitigation_level",
                            models.ForeignKey(
                                blank=True,
                                help_text="Version 1 scorecards only: the level before mitigation, if the card gives it.",
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="evaluations.thresholdlevel",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "catalog_determination",
                        "ordering": ["category__version", "category__position", "ai_model__name"],
                    },
                ),
                migrations.AddConstraint(
                    model_name="evaluation",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("slug__in", ["compare"]), _negated=True),
                        name="evaluation_slug_not_reserved",
                        violation_error_message="Another page has that address; choose another slug.",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="metric",
                    constraint=models.UniqueConstraint(
                        fields=("evaluation", "name"), name="metric_name_unique"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="metric",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("minimum__lt", models.F("maximum"))),
                        name="metric_range_ordered",
                        violation_error_message="The minimum must be below the maximum.",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="metric",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("direction__in", ["higher", "lower"])),
                        name="metric_direction_valid",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="result",
                    constraint=models.UniqueConstraint(
                        fields=("metric", "ai_model", "subcategory"),
                        name="result_unique",
                        violation_error_message="This model already has a value for this metric and sub-category.",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="riskcategory",
                    constraint=models.UniqueConstraint(
                        fields=("version", "slug"), name="riskcategory_slug_unique"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="riskcategory",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("kind__in", ["tracked", "research"])),
                        name="riskcategory_kind_valid",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="thresholdlevel",
                    constraint=models.UniqueConstraint(
                        fields=("version", "slug"), name="thresholdlevel_slug_unique"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="thresholdlevel",
                    constraint=models.UniqueConstraint(
                        fields=("version", "rank"), name="thresholdlevel_rank_unique"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="determination",
                    constraint=models.UniqueConstraint(
                        fields=("ai_model", "category"),
                        name="determination_unique",
                        violation_error_message="This model already has a determination in this category.",
                    ),
                ),
            ],
        ),
    ]
