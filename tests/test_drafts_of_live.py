"""Drafts of published items (editorial/drafts.py): an editor's changes to a live item are kept
beside it, and visitors see the live version until a publisher publishes the draft.

Forms are posted as the admin renders them (tests/admin_forms.py).
"""

import pytest
from django.urls import reverse

from catalog.models import Status
from editorial.models import Draft, DraftState
from tests.admin_forms import form_data
from tests.factories import make_publication


def errors(response):
    form = response.context["adminform"].form
    return form.errors.as_json(), [
        (f.formset.errors, f.formset.non_form_errors())
        for f in response.context["inline_admin_formsets"]
    ]


pytestmark = pytest.mark.django_db


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def change_page(client, item):
    page = client.get(admin_url(type(item), "change", item.pk))
    assert page.status_code == 200
    return page


def change_form(client, item, **changes):
    return form_data(change_page(client, item), f"{type(item)._meta.model_name}_form", **changes)


def save_draft(client, item, **changes):
    response = client.post(
        admin_url(type(item), "change", item.pk), change_form(client, item, **changes)
    )
    assert response.status_code == 302, errors(response)
    return response


def test_an_editors_change_to_a_live_item_is_kept_as_a_draft(editor_client, client):
    publication = make_publication(title="Card", summary="The live summary.")

    save_draft(editor_client, publication, title="Card, revised", summary="A draft summary.")

    publication.refresh_from_db()
    assert publication.title == "Card"
    assert publication.status == Status.PUBLISHED
    draft = Draft.objects.get()
    assert draft.state == DraftState.PENDING
    page = client.get(publication.get_absolute_url())
    assert "The live summary." in page.content.decode()
    assert "A draft summary." not in page.content.decode()
    form = change_page(editor_client, publication).content.decode()
    assert "Draft changes pending — the live version is unchanged" in form
    assert "A draft summary." in form
