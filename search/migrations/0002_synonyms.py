"""Synonyms a visitor would expect to find each other; staff edit them in the admin."""

from django.db import migrations

SYNONYMS = [
    "deepfakes, deep fakes, deepfake, synthetic media",
    "privacy, private information, personal data, personal information",
    "child safety, children, minors, teens, parental controls",
    "bias, fairness, discrimination",
    "elections, election, voting, election integrity",
    "red teaming, red team, red teamers, adversarial testing",
    "jailbreak, jailbreaks, jailbreaking",
    "hallucination, hallucinations, factuality, made-up facts",
    "cybersecurity, cyber security, cyber",
    "biosecurity, biological risk, bioweapons",
    "evals, evaluations, evaluation, benchmarks",
    "system card, model card",
    "misuse, abuse, deceptive uses",
    "self-harm, self harm, suicide",
]


def synonyms_add(apps, schema_editor):
    Synonym = apps.get_model("search", "Synonym")
    Synonym.objects.bulk_create([Synonym(terms=terms) for terms in SYNONYMS], ignore_conflicts=True)


def synonyms_remove(apps, schema_editor):
    apps.get_model("search", "Synonym").objects.filter(terms__in=SYNONYMS).delete()


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [migrations.RunPython(synonyms_add, synonyms_remove)]
