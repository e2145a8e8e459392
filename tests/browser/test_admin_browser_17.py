"""The admin in a browser at a laptop's width (issue #17): every list fits with no sideways
scroll, the lifecycle-practices autocomplete takes Enter as the editor means it, a chosen file
survives a failed save, and "Go deeper" and the practices are ordered by dragging or keys."""

import time

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from catalog.models import AIModel, HubFeature, HubPage, Publication, Topic
from search.index import search_index_update
from tests.factories import make_image, make_many_publications

pytestmark = pytest.mark.browser

PASSWORD = "a long passphrase"


@pytest.fixture
def admin_page(page):
    """The tab, signed in to the admin as a superuser."""
    get_user_model().objects.create_superuser("chief", password=PASSWORD)
    page.goto("/admin/login/")
    page.get_by_label("Username").fill("chief")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()
    return page


def changelist_addresses(page):
    page.goto("/admin/")
    return page.eval_on_selector_all(
        "#content-main th[scope=row] a", "links => links.map(link => link.getAttribute('href'))"
    )


OVERFLOW = """() => {
  const page = document.documentElement;
  const results = document.querySelector('#changelist-form .results');
  const rows = [...document.querySelectorAll('#result_list tbody tr')];
  const title = document.querySelector('#result_list tbody th a');
  return {
    page: page.scrollWidth - page.clientWidth,
    results: results ? results.scrollWidth - results.clientWidth : 0,
    rows: rows.length,
    titleLines: title ? Math.round(title.getBoundingClientRect().height /
                                   parseFloat(getComputedStyle(title).lineHeight)) : 0,
  };
}"""


@pytest.mark.parametrize("width", [1280, 1024])
def test_every_list_fits_a_laptop_with_the_demo_content_and_many_rows(admin_page, width):
    make_many_publications(
        120, ai_models=list(AIModel.objects.all()[:6]), topics=list(Topic.objects.all()[:2])
    )
    admin_page.set_viewport_size({"width": width, "height": 900})
    addresses = changelist_addresses(admin_page)
    assert "/admin/catalog/publication/" in addresses

    too_wide = {}
    for address in addresses:
        admin_page.goto(address)
        measured = admin_page.evaluate(OVERFLOW)
        if measured["page"] > 0 or measured["results"] > 0 or measured["titleLines"] > 2:
            too_wide[address] = measured
    assert too_wide == {}


def test_a_long_title_shows_on_two_lines_at_most(admin_page):
    make_many_publications(3)
    Publication.objects.filter(slug__startswith="bulk-").update(
        title="A very long title about the evaluation of a frontier model " * 4
    )
    # update() sends no signals: the admin's search reads the search index, so index them.
    search_index_update(
        ids=Publication.objects.filter(slug__startswith="bulk-").values_list("pk", flat=True)
    )
    admin_page.set_viewport_size({"width": 1280, "height": 900})
    admin_page.goto("/admin/catalog/publication/?q=frontier")
    link = admin_page.locator("#result_list tbody th a").first
    lines = link.evaluate(
        "a => a.getBoundingClientRect().height / parseFloat(getComputedStyle(a).lineHeight)"
    )
    assert round(lines) == 2
    assert admin_page.evaluate(OVERFLOW)["results"] == 0


# Enter in the lifecycle-practices autocomplete.


def test_typing_red_and_enter_never_picks_filter_data(admin_page):
    card = Publication.objects.get(slug="gpt-5-system-card")
    card.practices.clear()
    admin_page.goto(f"/admin/catalog/publication/{card.pk}/change/")
    # The server answers slowly, as on a busy day: Enter comes before the results.
    admin_page.route("**/admin/autocomplete/**", lambda route: (time.sleep(0.5), route.continue_()))
    field = admin_page.locator(".field-practices .select2-search__field")
    field.click()
    expect(admin_page.locator(".select2-results__option--highlighted")).to_have_text("Filter data")

    field.press_sequentially("red")
    field.press("Enter")

    chosen = admin_page.locator(".field-practices .select2-selection__choice")
    expect(chosen).to_have_count(0)
    expect(admin_page.locator(".select2-results__option").first).to_have_text("Red teaming")
    field.press("Enter")
    expect(chosen).to_have_count(1)
    expect(chosen).to_contain_text("Red teaming")


# A chosen file survives a refused save.


def test_a_cover_chosen_on_a_refused_form_is_kept_and_saved_next_time(admin_page, tmp_path):
    card = Publication.objects.get(slug="gpt-5-system-card")
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(make_image("JPEG", (1200, 600)))
    admin_page.goto(f"/admin/catalog/publication/{card.pk}/change/")
    admin_page.locator("#id_cover_alt").fill("")
    admin_page.locator("#id_cover_image").set_input_files(str(photo))

    admin_page.locator("input[name=_continue]").first.click()

    expect(admin_page.locator(".errornote")).to_be_visible()
    expect(admin_page.locator(".staged-upload")).to_contain_text("Kept: photo.jpg")
    admin_page.locator("#id_cover_alt").fill("A photo of the card")
    admin_page.locator("input[name=_continue]").first.click()
    expect(admin_page.locator(".messagelist .success")).to_be_visible()
    card.refresh_from_db()
    assert card.cover_image.name.endswith(".jpg")
    assert card.cover_width == 1200


def test_leaving_a_changed_form_asks_first(admin_page):
    card = Publication.objects.get(slug="gpt-5-system-card")
    admin_page.goto(f"/admin/catalog/publication/{card.pk}/change/", wait_until="load")
    admin_page.locator("#id_title").fill("A changed title")
    dialogs = []
    admin_page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))

    admin_page.close(run_before_unload=True)
    admin_page.wait_for_timeout(300)

    assert dialogs == ["beforeunload"]


def test_an_unchanged_form_is_left_without_a_question(admin_page):
    card = Publication.objects.get(slug="gpt-5-system-card")
    admin_page.goto(f"/admin/catalog/publication/{card.pk}/change/", wait_until="load")
    admin_page.locator("#id_title").click()
    dialogs = []
    admin_page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))

    admin_page.goto("/admin/")

    assert dialogs == []


# "Go deeper" in the editor's order: by dragging, or by keys.


def go_deeper_titles(page):
    return page.eval_on_selector_all(
        "#features-group tbody tr.has_original td.field-publication select",
        "selects => selects.map(s => s.selectedOptions[0] ? s.selectedOptions[0].text : '')",
    )


@pytest.fixture
def three_pins(admin_page):
    """Three pinned "Go deeper" cards (the demo pins one; the newest fill the rest)."""
    hub = HubPage.objects.get()
    pinned = set(HubFeature.objects.values_list("publication", flat=True))
    for position, publication in enumerate(
        Publication.objects.exclude(pk__in=pinned).order_by("-published_at")[:2], start=2
    ):
        HubFeature.objects.create(hub=hub, position=position, publication=publication)


def feature_order():
    return [
        str(feature.publication or feature.committee)
        for feature in HubFeature.objects.order_by("position", "pk")
    ]


@pytest.mark.usefixtures("three_pins")
def test_go_deeper_is_ordered_by_dragging(admin_page):
    admin_page.goto("/admin/catalog/hubpage/1/change/")
    before = feature_order()
    rows = admin_page.locator("#features-group tbody tr.has_original")

    rows.nth(0).locator(".ordering-handle").hover()
    admin_page.mouse.down()
    box = rows.nth(2).bounding_box()
    admin_page.mouse.move(box["x"] + 20, box["y"] + box["height"] - 3, steps=8)
    admin_page.mouse.up()
    admin_page.locator("input[name=_continue]").first.click()

    expect(admin_page.locator(".messagelist .success")).to_be_visible()
    assert feature_order()[:3] == [before[1], before[2], before[0]]


@pytest.mark.usefixtures("three_pins")
def test_go_deeper_is_ordered_with_the_keyboard(admin_page):
    admin_page.goto("/admin/catalog/hubpage/1/change/")
    before = feature_order()
    move_down = (
        admin_page.locator("#features-group tbody tr.has_original")
        .nth(0)
        .get_by_role("button", name="Move down")
    )

    move_down.focus()
    admin_page.keyboard.press("Enter")
    admin_page.keyboard.press("Enter")  # the focus stays on the moved row's button

    expect(admin_page.locator("#features-group .ordering-status")).to_have_text(
        f"Moved to position 3 of {len(before) + 1}."
    )
    positions = admin_page.eval_on_selector_all(
        "#features-group tbody tr.has_original td.field-position input",
        "inputs => inputs.map(i => i.value)",
    )
    assert positions == [str(number) for number in range(1, len(before) + 1)]
    admin_page.locator("input[name=_continue]").first.click()
    expect(admin_page.locator(".messagelist .success")).to_be_visible()
    assert feature_order()[:3] == [before[1], before[2], before[0]]


def test_a_list_in_its_own_order_is_reordered_from_the_keyboard(admin_page):
    """Topics: a list whose position column is editable; the page's numbers are reused."""
    before = list(Topic.objects.order_by("position", "name").values_list("name", flat=True))
    admin_page.goto("/admin/catalog/topic/")
    first_row = admin_page.locator("#result_list tbody tr").nth(0)

    first_row.get_by_role("button", name="Move down").click()
    admin_page.get_by_role("button", name="Save").click()

    expect(admin_page.locator(".messagelist .success")).to_be_visible()
    after = list(Topic.objects.order_by("position", "name").values_list("name", flat=True))
    assert after[:2] == [before[1], before[0]]
    assert after[2:] == before[2:]


def test_a_list_sorted_by_a_column_offers_no_moves(admin_page):
    admin_page.goto("/admin/catalog/topic/?o=1")

    expect(admin_page.locator("#result_list .ordering-move")).to_have_count(0)


@pytest.mark.parametrize(
    "path",
    ["/admin/catalog/publication/", "/admin/catalog/hubpage/1/change/", "/admin/catalog/topic/"],
)
def test_the_new_list_and_ordering_controls_are_accessible(admin_page, page_errors, path):
    """axe-core on what this issue adds (the list's cells and the ordering controls); the rest
    of Django's admin (select2's fields, list_editable's unlabelled inputs, 20 px filter links)
    is as Django makes it."""
    from axe_playwright_python.sync_playwright import Axe

    from tests.browser.test_pages_in_browser import AXE_OPTIONS

    admin_page.goto(path, wait_until="networkidle")
    admin_page.evaluate(Axe().axe_script)
    context = {"include": [["#result_list tbody th"], [".ordering-controls"], [".ordering-status"]]}
    violations = admin_page.evaluate(
        "([context, options]) => axe.run(context, options).then(r => r.violations)",
        [context, AXE_OPTIONS],
    )

    assert [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in violations] == []
    assert page_errors == []
