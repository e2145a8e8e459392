"""The pages the editorial workflow adds are valid HTML too: a staff preview with its banner, a
preview link, an expired preview link, and the 410 page of a deleted page."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from catalog.models import Status
from editorial.previews import preview_link_create, preview_link_revoke
from tests.factories import make_publication
from tests.test_html_validity import java, nu_report  # noqa: F401  (java is the fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.html_validity]

BODY = """## What we tested

- Jailbreaks
- Hallucinations

| Evaluation | Score |
|---|---|
| StrongReject | 0.99 |

```
refusal rate: 0.99
```

### Risks & mitigations

See [the framework](https://example.org/framework).
"""


def test_workflow_pages_are_valid_html(java, tmp_path, editor_client, editor):  # noqa: F811
    draft = make_publication(title="Draft card", slug="draft-card", status=Status.DRAFT, body=BODY)
    scheduled = make_publication(
        slug="scheduled", published_at=timezone.now() + timedelta(days=1), body=BODY
    )
    link = preview_link_create(target=draft, user=editor)
    revoked = preview_link_create(target=draft, user=editor)
    preview_link_revoke(link=revoked, user=editor)
    make_publication(slug="deleted-card").delete()
    visitor = Client()
    pages = {
        "staff preview": (editor_client, draft.get_absolute_url(), 200),
        "staff preview, scheduled": (editor_client, scheduled.get_absolute_url(), 200),
        "preview link": (visitor, link.get_absolute_url(), 200),
        "revoked preview link": (visitor, revoked.get_absolute_url(), 410),
        "deleted page": (visitor, "/publications/deleted-card/", 410),
    }
    files = {}
    for name, (client, url, status) in pages.items():
        response = client.get(url)
        assert response.status_code == status, name
        files[name] = tmp_path / f"{len(files)}.html"
        files[name].write_bytes(response.content)

    assert nu_report(java, files) == ""
