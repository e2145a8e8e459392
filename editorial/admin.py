"""The editorial side of the admin: history for every content type, and for the content types
with a status, the workflow (states, roles, bulk moves, previews, slugs)."""

import json

import reversion
from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.models import LogEntry
from django.contrib.admin.utils import quote, unquote
from django.contrib.admin.widgets import AdminTextareaWidget
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import router, transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst, slugify
from reversion.admin import VersionAdmin
from reversion.models import Version

from editorial import workflow
from editorial.drafts import (
    RolledBack,
    draft_apply,
    draft_close,
    draft_diff,
    draft_open,
    draft_publish,
    draft_save,
    drafts_discard,
    is_draftable,
    live_changed_since,
    rolled_back,
    state_versions,
)
from editorial.history import (
    RestoreError,
    deletion_collect,
    links_register,
    restoration_plan,
    revision_baseline_ensure,
    revision_record_deletion,
    revision_restore,
    revision_revert,
    saved_state,
    unlinked_rows,
    version_diff,
)
from editorial.models import Draft, DraftState, PreviewLink, Publishable, Redirect, Status
from editorial.previews import preview_link_create, preview_link_revoke
from editorial.redirects import redirect_record
from editorial.views import draft_preview_response
from editorial.workflow import (
    EDITABLE_STATUSES,
    State,
    can_publish,
    may_edit,
    publishable_state,
    state_condition,
    state_description,
)

# The admin's index shows the dashboard (editorial/dashboard.py) above the list of models.
admin.site.index_template = "admin/editorial/index.html"

# Large enough for any real selection, small enough to read.
CONFIRMATION_LISTED = 100


class MarkdownTextarea(AdminTextareaWidget):
    """A textarea with a live preview of the page's rendering under it (admin only)."""

    class Media:
        css = {"all": ["editorial/admin.css"]}
        js = ["editorial/markdown-preview.js"]

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.attrs["data-markdown-preview"] = reverse("editorial:markdown_preview")


class SavedStateField(forms.CharField):
    """The state of the item a change form was opened on: a marker, not a value of the item."""

    widget = forms.HiddenInput

    def has_changed(self, initial, data):
        return False


class EditConflictForm(forms.ModelForm):
    """Refuses to save a change form opened before someone else saved the item (a lost update).

    The form carries the item's latest revision and a digest of its saved state from when it
    was opened; a save whose digest no longer matches is refused with what changed meanwhile,
    the user's input left in the form, and the form now based on the new state, so that saving
    again knowingly keeps the user's version.
    """

    based_on = SavedStateField(required=False)
    history_url = compare_url = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        versions = Version.objects.get_for_object(self.instance)
        latest = versions.values_list("pk", flat=True).first()
        self.saved_state = f"{latest or 0}:{saved_state(self.instance)}"
        self.fields["based_on"].initial = self.saved_state

    def clean(self):
        cleaned_data = super().clean()
        name = self.add_prefix("based_on")
        based_on = self.data.get(name)
        if based_on and based_on.partition(":")[2] != self.saved_state.partition(":")[2]:
            self.add_error(None, self.conflict_message(based_on.partition(":")[0]))
            self.data = self.data.copy()
            self.data[name] = self.saved_state
        return cleaned_data

    def conflict_message(self, based_on_pk):
        versions = Version.objects.get_for_object(self.instance).select_related("revision__user")
        latest = versions.first()
        if based_on_pk.isdigit() and int(based_on_pk):
            based = versions.filter(pk=based_on_pk).first()
        else:  # opened before it had a history: its first revision is the state it was opened on
            based = versions.order_by("pk").first()
        noun = self.instance._meta.verbose_name
        if latest is None or based is None or latest.pk == based.pk:
            return format_html(
                "This {} was changed elsewhere (by an import or a command) since you opened it. "
                "Your changes are still in the form below: check it against the "
                '<a href="{}">history</a>, then save again to keep your version.',
                noun,
                self.history_url,
            )
        user = latest.revision.user
        changes = [change.label for change in version_diff(based, latest)]
        return format_html(
            "{} saved this {} at {}, after you opened it{}. Your changes are still in the form "
            'below: <a href="{}?from={}&amp;to={}">see what they changed</a>, then save again '
            "to keep your version.",
            user.get_username() if user else "Someone",
            noun,
            workflow.moment(latest.revision.date_created),
            f" (changed: {', '.join(changes)})" if changes else "",
            self.compare_url,
            based.pk,
            latest.pk,
        )


class Restoring(Exception):
    """Carries the response of a restored form that is not kept, out of its transaction."""

    def __init__(self, response):
        self.response = response


class EditorialAdmin(VersionAdmin):
    """History for a content type: every save in the admin is a revision (django-reversion).

    On top of VersionAdmin: a readable diff between any two revisions, one-click revert,
    a first revision for content that never had one, and a revision before every delete that
    holds everything the delete takes along, so every deleted item can be recovered with its
    links. Each item changed from the list (list_editable, bulk actions, bulk delete) gets a
    revision of its own, so reverting one never reverts another. A change form opened before
    someone else saved the item is refused (EditConflictForm).

    Every view of a revision only takes versions of this admin's model (and of the item in its
    address), and reverting or recovering needs the permissions its result needs: reversion's
    own recover view put back any version of any model.
    """

    object_history_template = "admin/editorial/object_history.html"
    change_form_template = "admin/editorial/change_form.html"
    revision_form_template = "admin/editorial/revision_form.html"
    recover_form_template = "admin/editorial/recover_form.html"
    delete_confirmation_template = "admin/editorial/delete_confirmation.html"
    delete_selected_confirmation_template = "admin/editorial/delete_selected_confirmation.html"
    # Reversion's own adds only "Recover deleted ..."; admin/catalog/change_list.html does.
    change_list_template = None
    history_latest_first = True
    markdown_fields = ()

    class Media:
        css = {"all": ["editorial/admin.css", "editorial/lists.css"]}
        # Unsaved-changes warning; Enter in an autocomplete picks only a result of what was typed.
        js = ["admin/js/jquery.init.js", "editorial/admin-forms.js"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        links_register(self.model)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in self.markdown_fields:
            kwargs["widget"] = MarkdownTextarea
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if obj is None:
            return form
        return type(
            form.__name__,
            (EditConflictForm, form),
            {
                "history_url": self.admin_url("history", quote(obj.pk)),
                "compare_url": self.admin_url("compare", quote(obj.pk)),
            },
        )

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        view = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/history/compare/",
                view(self.compare_view),
                name="{}_{}_compare".format(*info),
            ),
            path(
                "<path:object_id>/history/<int:version_id>/revert/",
                view(self.revert_view),
                name="{}_{}_revert".format(*info),
            ),
            *super().get_urls(),
        ]

    # Saving and deleting.

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method != "POST":
            return super().change_view(request, object_id, form_url, extra_context)
        with transaction.atomic(using=router.db_for_write(self.model)):
            obj = self.get_object(request, unquote(object_id))
            if obj is not None and self.has_change_permission(request, obj):
                # Saves of one item wait for each other here, so each form is compared with
                # the state the one before left (SQLite's IMMEDIATE transactions do the same).
                self.model._base_manager.select_for_update().filter(pk=obj.pk).first()
                obj.refresh_from_db()
                revision_baseline_ensure(objects=[obj])
            return super().change_view(request, object_id, form_url, extra_context)

    def changelist_view(self, request, extra_context=None):
        # Not VersionAdmin's, which makes one revision of everything a list request changes.
        context = {
            "has_recover_permission": self.has_add_permission(request)
            and self.has_change_permission(request),
            **(extra_context or {}),
        }
        return admin.ModelAdmin.changelist_view(self, request, context)

    def save_model(self, request, obj, form, change):
        if getattr(request, "restoring", None) is not None:
            request.restoring_saved = True
        if reversion.is_active():  # the change form's own revision
            return super().save_model(request, obj, form, change)
        # A row changed in the list: the form has already applied the new values to `obj`.
        revision_baseline_ensure(objects=[self.model._default_manager.get(pk=obj.pk)])
        with reversion.create_revision():
            reversion.set_user(request.user)
            reversion.set_comment(f"Changed {', '.join(form.changed_data)} in the list")
            return super().save_model(request, obj, form, change)

    def construct_change_message(self, request, form, formsets, add=False):
        message = super().construct_change_message(request, form, formsets, add)
        note = getattr(request, "restoring", None)
        if note is None:
            return message
        details = LogEntry(change_message=json.dumps(message)).get_change_message()
        return f"{note} {details}".strip()

    def delete_model(self, request, obj):
        revision_record_deletion(obj=obj, user=request.user)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            revision_record_deletion(obj=obj, user=request.user)
        super().delete_queryset(request, queryset)

    def get_deleted_objects(self, objs, request):
        """Django's list of what a delete removes, and the items it keeps but unlinks."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        if objs and not protected:
            for row, field in unlinked_rows(deletion_collect(list(objs))):
                deleted.append(
                    f"{capfirst(row._meta.verbose_name)}: {row} (kept, its "
                    f"{field.verbose_name} is left empty)"
                )
        return deleted, counts, perms_needed, protected

    # History, comparison, revert and recovery.

    def versions(self, object_id):
        return Version.objects.get_for_object_reference(self.model, object_id).select_related(
            "revision__user"
        )

    def history_view(self, request, object_id, extra_context=None):
        object_id = unquote(object_id)
        obj = self.get_object(request, object_id)
        versions = list(self.versions(object_id).order_by("-pk"))
        # Draft saves of a published item are in the history too, marked: not live.
        drafts = Draft.objects.in_bulk(
            [version.revision_id for version in versions], field_name="revision_id"
        )
        current = next((v for v in versions if v.revision_id not in drafts), None)
        rows = []
        for number, version in enumerate(versions):
            previous = versions[number + 1] if number + 1 < len(versions) else None
            rows.append(
                {
                    "version": version,
                    "revision": version.revision,
                    "draft": drafts.get(version.revision_id),
                    "is_current": version is current,
                    "url": self.admin_url("revision", quote(object_id), version.pk),
                    "revert_url": self.admin_url("revert", quote(object_id), version.pk),
                    "changes_url": previous
                    and f"{self.admin_url('compare', quote(object_id))}"
                    f"?from={previous.pk}&to={version.pk}",
                }
            )
        context = {
            "versions": rows,
            "compare_url": self.admin_url("compare", quote(object_id)),
            "can_revert": obj is not None and self.has_change_permission(request, obj),
            **(extra_context or {}),
        }
        # Django's, not VersionAdmin's: the permission checks and the page, with our rows.
        return admin.ModelAdmin.history_view(self, request, quote(object_id), context)

    def admin_url(self, view, *args):
        opts = self.opts
        return reverse(
            f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_{view}", args=args
        )

    def compare_view(self, request, object_id):
        """What changed between two revisions (?from=&to=; by default the last two)."""
        object_id = unquote(object_id)
        obj = self.get_object(request, object_id)
        if obj is None:
            raise Http404("There is no such item; a deleted one is recovered from the list.")
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        versions = self.versions(object_id)
        newer = (
            self.chosen_version(versions, request.GET.get("to")) or versions.order_by("-pk").first()
        )
        if newer is None:
            raise Http404("This item has no revisions yet.")
        older = self.chosen_version(versions, request.GET.get("from")) or (
            versions.filter(pk__lt=newer.pk).order_by("-pk").first()
        )
        if older is None:
            raise Http404("There is no earlier revision to compare with.")
        if older.pk > newer.pk:
            older, newer = newer, older
        context = {
            **self.admin_site.each_context(request),
            "title": f"Changes to {obj}",
            "subtitle": None,
            "opts": self.opts,
            "object": obj,
            "older": older,
            "newer": newer,
            "changes": version_diff(older, newer),
            "history_url": self.admin_url("history", quote(object_id)),
            "revert_url": self.admin_url("revert", quote(object_id), older.pk),
            "can_revert": self.has_change_permission(request, obj),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/editorial/compare.html", context)

    def chosen_version(self, versions, value):
        if value is None:
            return None
        if not value.isdigit():
            raise Http404(f"“{value}” is not a revision number.")
        return get_object_or_404(versions, pk=value)

    def check_restore(self, request, plan):
        """Raise PermissionDenied unless `request.user` may bring about what `plan` restores.

        The result counts, not only the item as it is now: model permissions for every row put
        back, removed or relinked, and the publish permission for anything that comes back
        published or archived.
        """
        if plan.recovering:
            allowed = self.has_add_permission(request) and self.has_change_permission(request)
        else:
            obj = self.get_object(request, plan.version.object_id)
            allowed = obj is not None and self.has_change_permission(request, obj)
        if not allowed:
            raise PermissionDenied
        missing = sorted(name for name in plan.permissions() if not request.user.has_perm(name))
        if missing:
            raise PermissionDenied(f"This also changes what needs {', '.join(missing)}.")
        for row in plan.rows:
            model = row._model
            if (
                issubclass(model, Publishable)
                and row.field_dict.get("status") not in EDITABLE_STATUSES
                and not can_publish(request.user, model)
            ):
                raise PermissionDenied(
                    "Only a publisher can bring back a published or archived version."
                )

    def restoration(self, request, version, *, recovering=False):
        """The plan of putting `version` back, or None (with a message) if it cannot be."""
        try:
            return restoration_plan(version=version, recovering=recovering)
        except RestoreError as error:
            self.message_user(request, str(error), messages.ERROR)
            return None

    def revert_view(self, request, object_id, version_id):
        """One click: the item as it was in that revision, recorded as a new revision."""
        if request.method != "POST":
            return HttpResponseRedirect(self.admin_url("history", object_id))
        return self.revert(request, object_id, version_id)

    def revert(self, request, object_id, version_id):
        object_id = unquote(object_id)
        version = get_object_or_404(self.versions(object_id), pk=version_id)
        plan = self.restoration(request, version)
        if plan is None:
            return HttpResponseRedirect(self.admin_url("history", quote(object_id)))
        self.check_restore(request, plan)
        try:
            with transaction.atomic(using=router.db_for_write(self.model)):
                obj = revision_revert(plan=plan, user=request.user)
                message = (
                    f"Reverted to the version of {workflow.moment(version.revision.date_created)}."
                )
                self.log_change(request, obj, message)
        except RestoreError as error:
            self.message_user(request, str(error), messages.ERROR)
            return HttpResponseRedirect(self.admin_url("history", quote(object_id)))
        self.message_user(request, f"“{obj}”: {message}", messages.SUCCESS)
        for lost in plan.lost:
            self.message_user(request, f"Not put back: {lost}", messages.WARNING)
        return HttpResponseRedirect(self.admin_url("change", quote(obj.pk)))

    def revision_view(self, request, object_id, version_id, extra_context=None):
        """A revision of this item in the filled-in form; saving it reverts, by the same rules
        as one-click revert."""
        object_id = unquote(object_id)
        version = get_object_or_404(self.versions(object_id), pk=version_id)
        obj = self.get_object(request, object_id)
        if obj is None:
            raise Http404("There is no such item; a deleted one is recovered from the list.")
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        plan = self.restoration(request, version)
        if plan is None:
            return HttpResponseRedirect(self.admin_url("history", quote(object_id)))
        if request.method == "POST":
            self.check_restore(request, plan)
        context = {
            "title": f"Revert {version.object_repr}",
            "revert": True,
            "restoration": plan,
            **(extra_context or {}),
        }
        note = f"Reverted to the version of {workflow.moment(version.revision.date_created)}."
        return self.restored_form_view(request, plan, note, self.revision_form_template, context)

    def recover_view(self, request, version_id, extra_context=None):
        """A deleted item of this model, in the filled-in form; saving it recovers the item with
        what its deletion removed."""
        version = get_object_or_404(Version.objects.get_deleted(self.model), pk=version_id)
        plan = self.restoration(request, version, recovering=True)
        if plan is None:
            return HttpResponseRedirect(self.admin_url("recoverlist"))
        self.check_restore(request, plan)
        context = {
            "title": f"Recover {version.object_repr}",
            "recover": True,
            "restoration": plan,
            **(extra_context or {}),
        }
        note = f"Recovered (deleted {workflow.moment(version.revision.date_created)})."
        return self.restored_form_view(request, plan, note, self.recover_form_template, context)

    def restored_form_view(self, request, plan, note, template, context):
        """The change form of the item as `plan` puts it back: shown, or saved if posted.

        The version is put back inside a transaction that is rolled back unless the form is
        saved, so showing it, an invalid form or a refused save changes nothing; every signal
        receiver here writes only to the database, so it is rolled back too.
        """
        version = plan.version
        if "_saveasnew" in request.POST:
            raise PermissionDenied
        request.restoring, request.restoring_saved = note, False
        try:
            with transaction.atomic(using=version.db), reversion.create_revision():
                reversion.set_user(request.user)
                before = self.model._default_manager.filter(pk=version.object_id).first()
                revision_restore(plan=plan)
                response = self.changeform_view(
                    request, quote(version.object_id), request.path, context
                )
                if request.method == "POST" and request.restoring_saved:
                    obj = self.model._default_manager.get(pk=version.object_id)
                    redirect_record(before=before, after=obj)
                    for lost in plan.lost:
                        self.message_user(request, f"Not put back: {lost}", messages.WARNING)
                    return response
                if response.status_code == 200:
                    for lost in plan.lost:
                        self.message_user(request, f"Cannot be put back: {lost}", messages.WARNING)
                    response.template_name = template
                    response.render()
                raise Restoring(response)
        except RestoreError as error:
            self.message_user(request, str(error), messages.ERROR)
            return HttpResponseRedirect(self.admin_url("changelist"))
        except Restoring as restoring:
            return restoring.response


class StatusFilter(admin.SimpleListFilter):
    """Draft, in review, scheduled, live or archived: what the status and the date mean now."""

    title = "status"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return State.choices

    def queryset(self, request, queryset):
        if self.value() in State.values:
            return queryset.filter(state_condition(self.value()))
        return queryset


def unique_slug(model, text, *, exclude_pk=None) -> str:
    """A slug made from `text`, with -2, -3, ... when another item already has it."""
    max_length = model._meta.get_field("slug").max_length
    base = slugify(text)[:max_length].strip("-") or "item"
    taken = set(
        model._default_manager.filter(slug__startswith=base)
        .exclude(pk=exclude_pk)
        .values_list("slug", flat=True)
    )
    slug, number = base, 1
    while slug in taken:
        number += 1
        suffix = f"-{number}"
        slug = base[: max_length - len(suffix)] + suffix
    return slug


class WorkflowForm(forms.ModelForm):
    """Rules of the status field and the slug that hold whatever a browser sends."""

    can_publish = False
    slug_source = None
    # Saving keeps a draft beside the live item: its status and date are the live item's.
    drafting = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        status = self.fields.get("status")
        if self.drafting:
            for name in ("status", "published_at"):
                if name in self.fields:
                    self.fields[name].disabled = True
                    self.fields[name].help_text = (
                        "A draft keeps the live item's status and date; a publisher changes them "
                        "on the item itself."
                    )
        elif status is not None and not self.can_publish:
            status.choices = [(v, label) for v, label in status.choices if v in EDITABLE_STATUSES]
            status.help_text = "Save it as a draft or send it for review; a publisher publishes it."
        slug = self.fields.get("slug")
        if slug is not None and self.slug_source:
            slug.required = False
            slug.help_text = (
                f"{slug.help_text} Left empty, it is made from the {self.slug_source}."
            ).strip()
            if self.instance.pk and workflow.is_live(self.instance):
                slug.help_text += " Changing it keeps the old address working: it redirects here."

    def clean(self):
        cleaned_data = super().clean()
        status = cleaned_data.get("status")
        if status and not (self.can_publish or self.drafting) and status not in EDITABLE_STATUSES:
            self.add_error(
                "status",
                "Only a publisher can publish or archive. "
                "Save it as a draft or send it for review.",
            )
        source = cleaned_data.get(self.slug_source) if self.slug_source else None
        if "slug" in self.fields and not cleaned_data.get("slug") and source:
            cleaned_data["slug"] = unique_slug(
                self._meta.model, source, exclude_pk=self.instance.pk
            )
        return cleaned_data


class WorkflowMixin:
    """The workflow of a content type with a status (editorial.models.Publishable).

    - a status column (Draft, In review, Scheduled for ..., Live, Archived), a filter with the
      same states, and the state in words on the form;
    - Editors may save drafts and send them for review; publishing, unpublishing, archiving and
      changing or deleting a published or archived item need the publish permission, checked
      in the form itself, not only in what the page offers;
    - bulk Publish / Unpublish / Archive, after a confirmation page, for publishers;
    - preview links for reviewers without an account, made from the change form;
    - the slug made from the title when left empty.
    """

    actions = ["publish_selected", "unpublish_selected", "archive_selected"]
    workflow_fields = ["current_state", "preview_links"]

    # Permissions.

    def has_publish_permission(self, request):
        return can_publish(request.user, self.model)

    def has_change_permission(self, request, obj=None):
        """Editors change a published item too, but only as a draft (see change_view)."""
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or may_edit(request.user, obj) or is_draftable(obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or may_edit(request.user, obj))

    def get_inline_instances(self, request, obj=None):
        """An item the user may not change shows its inlines read-only too."""
        inlines = super().get_inline_instances(request, obj)
        if obj is not None and not self.has_change_permission(request, obj):
            for inline in inlines:
                inline.has_add_permission = inline.has_change_permission = (
                    inline.has_delete_permission
                ) = lambda request, obj=None: False
        return inlines

    def get_changelist_instance(self, request):
        """Editors change rows on their own page, where the status rules apply."""
        changelist = super().get_changelist_instance(request)
        if not can_publish(request.user, self.model):
            changelist.list_editable = ()
        return changelist

    # The form.

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        slug_source = self.prepopulated_fields.get("slug", [None])[0]
        return type(
            form.__name__,
            (WorkflowForm, form),
            {
                "can_publish": can_publish(request.user, self.model),
                "slug_source": slug_source,
                "drafting": getattr(request, "editorial_drafting", False),
            },
        )

    def get_fieldsets(self, request, obj=None):
        """The state in words and the preview links, under the status and date."""
        fieldsets = super().get_fieldsets(request, obj)
        return [
            (name, {**options, "fields": [*options["fields"], *self.workflow_fields]})
            if name == "Publishing"
            else (name, options)
            for name, options in fieldsets
        ]

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), *self.workflow_fields]

    @admin.display(description="now")
    def current_state(self, item):
        if item.pk is None:
            return "Not saved yet."
        text = state_description(item)
        text = text[:1].upper() + text[1:]
        if publishable_state(item) == State.SCHEDULED:
            text += ": it goes live then by itself, with nothing else to do"
        return f"{text}."

    @admin.display(description="preview links")
    def preview_links(self, item):
        if item.pk is None:
            return "Save first; then “Save and create a preview link” makes one."
        links = list(PreviewLink.objects.for_object(item).active())
        manage = reverse("admin:editorial_previewlink_changelist")
        content_type = ContentType.objects.get_for_model(item)
        manage = f"{manage}?content_type__id__exact={content_type.pk}&object_id={item.pk}"
        if not links:
            return format_html('None active. <a href="{}">All links to this item</a>', manage)
        return format_html(
            '<ul class="preview-link-list">{}</ul><a href="{}">Manage or revoke</a>',
            format_html_join(
                "",
                '<li><a href="{}">{}</a> (until {})</li>',
                (
                    (
                        link.get_absolute_url(),
                        link.get_absolute_url(),
                        workflow.moment(link.expires_at),
                    )
                    for link in links
                ),
            ),
            manage,
        )

    @admin.display(description="status", ordering="status")
    def status_badge(self, item):
        state = publishable_state(item)
        text = (
            f"Scheduled for {workflow.moment(item.published_at)}"
            if state == State.SCHEDULED
            else state.label
        )
        return format_html('<span class="status-badge status-{}">{}</span>', state.value, text)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        draft = getattr(request, "editorial_draft", None)
        draftable = is_draftable(obj) and self.has_change_permission(request, obj)
        context["show_preview_link_button"] = (
            request.user.has_perm("editorial.add_previewlink")
            and not context.get("is_popup")
            and (
                obj is None
                or not workflow.is_live(obj)
                or draft is not None
                or getattr(request, "editorial_drafting", False)
            )
        )
        context["editorial_draft"] = draft
        context["editorial_drafting"] = getattr(request, "editorial_drafting", False)
        context["editorial_draftable"] = draftable and not context.get("is_popup")
        if draft is not None:
            context["editorial_draft_url"] = self.admin_url("draft", quote(obj.pk))
            context["editorial_draft_preview_url"] = self.admin_url("draft_preview", quote(obj.pk))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def response_add(self, request, obj, post_url_continue=None):
        if "_preview_link" in request.POST:
            return self.preview_link_response(request, obj)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if getattr(request, "editorial_drafting", False):
            # Undone with the rest of the save: change_view keeps it as a draft, then says so.
            return HttpResponseRedirect(self.admin_url("change", quote(obj.pk)))
        if "_preview_link" in request.POST:
            return self.preview_link_response(request, obj)
        return super().response_change(request, obj)

    def preview_link_response(self, request, obj):
        if not request.user.has_perm("editorial.add_previewlink"):
            raise PermissionDenied
        link = preview_link_create(target=obj, user=request.user)
        url = request.build_absolute_uri(link.get_absolute_url())
        self.message_user(
            request,
            format_html(
                "Saved. Preview link for a reviewer without an account, until {}: "
                '<a href="{}">{}</a>',
                workflow.moment(link.expires_at),
                url,
                url,
            ),
            messages.SUCCESS,
        )
        return HttpResponseRedirect(self.admin_url("change", quote(obj.pk)))

    # Drafts of published items (editorial/drafts.py).

    def is_drafting(self, request, obj) -> bool:
        """Whether saving the form on `obj` keeps the changes as a draft: always for an editor
        on a published item, and for a publisher who chooses to."""
        if not is_draftable(obj):
            return False
        return not self.has_publish_permission(request) or bool(
            # A preview link to a live item is for its draft.
            {"_save_draft", "_send_draft", "_preview_link"} & request.POST.keys()
        )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        request.editorial_saved = form.instance

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The change form of an item with an open draft shows the draft; a save of a
        published item by an editor (or a publisher's "Save as draft") keeps the changes as a
        draft, and the live row is left as it was.

        Both happen the way the admin shows an old revision: the draft is put into the database
        and the form shown or saved on top of it, inside a transaction rolled back at the end;
        a draft save is then kept as a new draft. A publisher's plain save of an item with an
        open draft publishes the draft with the publisher's changes, in one transaction.
        """
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not self.has_change_permission(request, obj):
            return super().change_view(request, object_id, form_url, extra_context)
        using = router.db_for_write(self.model)
        posted = request.method == "POST"
        with transaction.atomic(using=using):
            if posted:  # saves of one item wait for each other from here
                obj = self.model._base_manager.select_for_update().get(pk=obj.pk)
                revision_baseline_ensure(objects=[obj])
            draft = draft_open(obj)
            drafting = posted and self.is_drafting(request, obj)
            if draft is None and not drafting and (posted or not is_draftable(obj)):
                return super().change_view(request, object_id, form_url, extra_context)
            request.editorial_draft = draft
            request.editorial_drafting = is_draftable(obj) and (
                drafting or not self.has_publish_permission(request)
            )
            request.editorial_saved = None
            try:
                with rolled_back(self.model) if not posted or drafting else transaction.atomic():
                    if draft is not None:
                        self.draft_apply(request, draft)
                    response = super().change_view(request, object_id, form_url, extra_context)
                    saved = request.editorial_saved
                    versions = state_versions(saved) if drafting and saved is not None else None
                    if saved is None:
                        if hasattr(response, "render"):
                            response.render()
                        raise RolledBack(response)
                    if draft is not None and not drafting:  # published with the form
                        draft_close(draft=draft, state=DraftState.PUBLISHED, user=request.user)
            except RolledBack as rolled:
                return rolled.value
            if versions is None:
                return response
            review = "_send_draft" in request.POST
            draft_save(obj=obj, versions=versions, user=request.user, review=review)
        self.log_change(request, obj, "Saved draft changes" + (" for review" if review else ""))
        self.message_user(
            request,
            format_html(
                "Saved as a draft{}: the live version is unchanged until a publisher publishes "
                'it. <a href="{}">See the changes against the live version</a>.',
                " and sent for review" if review else "",
                self.admin_url("draft", quote(obj.pk)),
            ),
            messages.SUCCESS,
        )
        if "_preview_link" in request.POST:
            return self.preview_link_response(request, obj)
        return response

    def draft_apply(self, request, draft):
        """Put the draft into the database (the caller rolls it back or keeps it)."""
        try:
            plan = draft_apply(draft)
        except RestoreError as error:
            self.message_user(request, f"The draft cannot be opened: {error}", messages.ERROR)
            raise RolledBack(
                HttpResponseRedirect(self.admin_url("draft", quote(draft.object_id)))
            ) from error
        for lost in plan.lost:
            self.message_user(request, f"Not in the draft any more: {lost}", messages.WARNING)

    def draft_object(self, request, object_id):
        """The item at `object_id` and its open draft, for a user who may change it (else
        404 or 403)."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404("There is no such item.")
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        draft = draft_open(obj)
        if draft is None:
            raise Http404("This item has no draft waiting to be published.")
        return obj, draft

    def draft_view(self, request, object_id):
        """The open draft against the live version, field by field, with what can be done with
        it: preview, send for review; publish or discard (publishers)."""
        obj, draft = self.draft_object(request, object_id)
        may_publish = self.has_publish_permission(request)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Draft changes to {obj}",
            "subtitle": None,
            "opts": self.opts,
            "object": obj,
            "draft": draft,
            "changes": draft_diff(draft, obj),
            "live_changed": live_changed_since(draft, obj),
            "may_publish": may_publish,
            "may_discard": may_publish or draft.created_by_id == request.user.pk,
            "change_url": self.admin_url("change", quote(obj.pk)),
            "history_url": self.admin_url("history", quote(obj.pk)),
            "preview_url": self.admin_url("draft_preview", quote(obj.pk)),
            "publish_url": self.admin_url("draft_publish", quote(obj.pk)),
            "discard_url": self.admin_url("draft_discard", quote(obj.pk)),
            "review_url": self.admin_url("draft_review", quote(obj.pk)),
            "live_url": obj.get_absolute_url() if workflow.is_live(obj) else None,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/editorial/draft.html", context)

    def draft_preview_view(self, request, object_id):
        """The item's real page with the draft in it, under the preview banner; nothing is
        saved."""
        obj, draft = self.draft_object(request, object_id)
        return draft_preview_response(request, draft)

    def draft_publish_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseRedirect(self.admin_url("draft", object_id))
        obj, draft = self.draft_object(request, object_id)
        if not self.has_publish_permission(request):
            raise PermissionDenied("Only a publisher can publish a draft.")
        try:
            obj = draft_publish(draft=draft, user=request.user)
        except RestoreError as error:
            self.message_user(request, str(error), messages.ERROR)
            return HttpResponseRedirect(self.admin_url("draft", quote(obj.pk)))
        self.log_change(request, obj, "Published the draft changes")
        self.message_user(request, f"“{obj}”: the draft changes are published.", messages.SUCCESS)
        for lost in obj.draft_lost:
            self.message_user(request, f"Not put back: {lost}", messages.WARNING)
        return HttpResponseRedirect(self.admin_url("change", quote(obj.pk)))

    def draft_discard_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseRedirect(self.admin_url("draft", object_id))
        obj, draft = self.draft_object(request, object_id)
        if not (self.has_publish_permission(request) or draft.created_by_id == request.user.pk):
            raise PermissionDenied("Only a publisher or the draft's author can discard it.")
        draft_close(draft=draft, state=DraftState.DISCARDED, user=request.user)
        self.log_change(request, obj, "Discarded the draft changes")
        self.message_user(
            request, f"“{obj}”: the draft changes are discarded; the live version stays."
        )
        return HttpResponseRedirect(self.admin_url("change", quote(obj.pk)))

    def draft_review_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseRedirect(self.admin_url("draft", object_id))
        obj, draft = self.draft_object(request, object_id)
        if draft.state != DraftState.REVIEW:
            draft.state = DraftState.REVIEW
            draft.save(update_fields=["state"])
            self.log_change(request, obj, "Sent the draft changes for review")
        self.message_user(request, f"“{obj}”: the draft changes are sent for review.")
        return HttpResponseRedirect(self.admin_url("draft", quote(obj.pk)))

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        view = self.admin_site.admin_view
        drafts = [
            ("", self.draft_view, "draft"),
            ("preview/", self.draft_preview_view, "draft_preview"),
            ("publish/", self.draft_publish_view, "draft_publish"),
            ("discard/", self.draft_discard_view, "draft_discard"),
            ("review/", self.draft_review_view, "draft_review"),
        ]
        return [
            *(
                path(
                    f"<path:object_id>/draft/{suffix}",
                    view(function),
                    name="{}_{}_{}".format(*info, name),
                )
                for suffix, function, name in drafts
            ),
            *super().get_urls(),
        ]

    def delete_model(self, request, obj):
        drafts_discard(obj=obj, user=request.user)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            drafts_discard(obj=obj, user=request.user)
        super().delete_queryset(request, queryset)

    # Bulk moves.

    @admin.action(
        description="Publish the selected %(verbose_name_plural)s", permissions=["publish"]
    )
    def publish_selected(self, request, queryset):
        return self.status_change_action(request, queryset, Status.PUBLISHED, "publish")

    @admin.action(
        description="Unpublish the selected %(verbose_name_plural)s (back to draft)",
        permissions=["publish"],
    )
    def unpublish_selected(self, request, queryset):
        return self.status_change_action(request, queryset, Status.DRAFT, "unpublish")

    @admin.action(
        description="Archive the selected %(verbose_name_plural)s", permissions=["publish"]
    )
    def archive_selected(self, request, queryset):
        return self.status_change_action(request, queryset, Status.ARCHIVED, "archive")

    def status_change_action(self, request, queryset, status, verb):
        items = list(queryset)
        opts = self.opts
        if request.POST.get("post") == "yes":
            changed = workflow.status_change(items=items, status=status, user=request.user)
            for item in changed:
                self.log_change(request, item, workflow.STATUS_CHANGE_COMMENTS[status])
            unchanged = len(items) - len(changed)
            message = f"{verb.capitalize()}ed {len(changed)} {self.noun(len(changed))}."
            if unchanged:
                message += f" {unchanged} already {'were' if unchanged > 1 else 'was'} so."
            self.message_user(request, message, messages.SUCCESS)
            return None
        rows = [(item, state_description(item), self.outcome(item, status)) for item in items]
        context = {
            **self.admin_site.each_context(request),
            "title": f"{verb.capitalize()} {len(items)} {self.noun(len(items))}?",
            "subtitle": None,
            "opts": opts,
            "verb": verb,
            "rows": rows[:CONFIRMATION_LISTED],
            "more": max(len(rows) - CONFIRMATION_LISTED, 0),
            "changing": sum(1 for item in items if item.status != status),
            "items": items,
            "action": request.POST.get("action"),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "media": self.media,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/editorial/status_change_confirmation.html", context)

    def noun(self, count):
        return self.opts.verbose_name if count == 1 else self.opts.verbose_name_plural

    def outcome(self, item, status):
        if item.status == status:
            return "unchanged"
        if status == Status.PUBLISHED:
            if item.published_at > timezone.now():
                return f"scheduled: goes live on {workflow.moment(item.published_at)}"
            return f"goes live now, dated {workflow.moment(item.published_at)}"
        if status == Status.DRAFT:
            return "back to draft: off the site" if workflow.is_live(item) else "back to draft"
        return "archived: off the site" if workflow.is_live(item) else "archived"


@admin.register(PreviewLink)
class PreviewLinkAdmin(admin.ModelAdmin):
    """Every preview link, to copy or revoke; links are made from an item's change form."""

    list_display = ["target_name", "address", "created_by", "created_at", "expires_at", "state"]
    list_select_related = ["content_type", "created_by"]
    list_filter = ["content_type"]
    actions = ["revoke_selected"]
    fields = ["target_name", "address", "created_by", "created_at", "expires_at", "state"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    @admin.display(description="item")
    def target_name(self, link):
        return str(link.target or "(deleted)")

    @admin.display(description="address")
    def address(self, link):
        return format_html('<a href="{0}">{0}</a>', link.get_absolute_url())

    @admin.display(description="state")
    def state(self, link):
        if link.revoked_at:
            return f"revoked {workflow.moment(link.revoked_at)}"
        if not link.is_active:
            return "expired"
        return "active"

    @admin.action(description="Revoke the selected preview links", permissions=["change"])
    def revoke_selected(self, request, queryset):
        revoked = [preview_link_revoke(link=link, user=request.user) for link in queryset]
        count = sum(revoked)
        self.message_user(request, f"Revoked {count} preview link{'s' if count != 1 else ''}.")


@admin.register(Redirect)
class RedirectAdmin(admin.ModelAdmin):
    list_display = ["old_path", "new_path", "created_at"]
    search_fields = ["old_path", "new_path"]
    fields = ["old_path", "new_path"]
