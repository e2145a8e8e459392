"""The evaluations' models now live in the evaluations app (its 0001_initial takes them over).

Only Django's record of the models changes: their tables keep their names and their rows.
"""

from django.db import migrations

# Each model before those it refers to.
MOVED = [
    "Determination",
    "Result",
    "Metric",
    "Evaluation",
    "EvaluationCategory",
    "ThresholdLevel",
    "RiskCategory",
    "FrameworkVersion",
]


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0014_markdown_html"),
        # The roles grant the evaluations' permissions under catalog's label on a new database;
        # evaluations' 0002_content_types then moves them, with everything else, to its own.
        ("editorial", "0002_roles"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name=name) for name in MOVED],
        ),
    ]
