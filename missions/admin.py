"""Admin for the registry's missions: data entry, history with diff and revert, bulk files.

The building blocks at the top (partial-date fields, the history admin, the bulk import and
export views) are shared with mandates/admin.py.
"""

from datetime import date
from typing import NamedTuple

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AutocompleteSelect
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper
from simple_history.utils import get_m2m_reverse_field_name

from mandates.models import Mandate

from .bundle import FILES
from .choices import DatePrecision, Expertise, TransitionKind
from .dates import format_partial_date, parse_partial_date
from .models import (
    Appointment,
    Cluster,
    Country,
    Document,
    Envoy,
    Mission,
    Organization,
    Partnership,
    Person,
    Region,
    SanctionsPanel,
    Transition,
)
from .resources import FORMATS, UploadError, export_response, import_preview, read_upload
from .services import MISSION_CLOSE_PERMISSIONS, document_get_or_create, mission_close

# -- partial dates ------------------------------------------------------------------------------


class PartialDate(NamedTuple):
    day: date
    precision: str

    def __str__(self) -> str:
        return format_partial_date(self.day, self.precision)


class PartialDateField(forms.CharField):
    """A date as an editor knows it: "2009", "2009-03" or "2009-03-15"."""

    def __init__(self, *, bound: str = "start", **kwargs):
        self.bound = bound
        kwargs.setdefault("help_text", _("2009, 2009-03 or 2009-03-15"))
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"size": 10, "placeholder": "YYYY-MM-DD"})
        )
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, PartialDate):
            return str(value)
        if isinstance(value, date):
            return value.isoformat()
        return value

    def to_python(self, value):
        text = super().to_python(value)
        if not text:
            return None
        try:
            day, precision = parse_partial_date(text, self.bound)
        except ValueError as exc:
            raise ValidationError(
                _("Enter a year, a month or a day: 2009, 2009-03 or 2009-03-15 (%(error)s).")
                % {"error": exc},
                code="invalid",
            ) from None
        return PartialDate(day, precision)


class PartialDatesForm(forms.ModelForm):
    """Enter each date with its precision in one text field; the precision field follows it."""

    # date field -> (its precision field, which end of the range an imprecise value stands for)
    partial_dates = {
        "start_date": ("start_precision", "start"),
        "end_date": ("end_precision", "end"),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, (precision, bound) in self.partial_dates.items():
            if name not in self.fields:
                continue
            model_field = self.fields[name]
            self.fields[name] = PartialDateField(
                bound=bound,
                required=model_field.required,
                label=model_field.label,
                help_text=" ".join(
                    str(text) for text in (model_field.help_text, _("2009, 2009-03 or 2009-03-15"))
                    if text
                ),
            )
            day = getattr(self.instance, name, None)
            if day:
                self.initial[name] = PartialDate(day, getattr(self.instance, precision))

    def clean(self):
        cleaned = super().clean()
        for name, (precision, _bound) in self.partial_dates.items():
            if name not in cleaned:
                continue
            value = cleaned[name]
            cleaned[name] = value.day if value else None
            setattr(self.instance, precision, value.precision if value else DatePrecision.DAY)
        return cleaned


class DatedFactForm(PartialDatesForm):
    """A fact dated by one day, month or year (a document, a transition)."""

    partial_dates = {"date": ("date_precision", "start")}


class PeriodInlineFormSet(forms.BaseInlineFormSet):
    """Reject periods of one parent that overlap each other within the same submission."""

    overlap_message = _("This period overlaps %(other)s.")

    def clean(self):
        super().clean()
        kept = [
            form for form in self.forms
            if form.is_valid() and form.cleaned_data and not form.cleaned_data.get("DELETE")
            and form.instance.start_date
        ]
        for index, form in enumerate(kept):
            # Periods clash within one mission only (a person may hold two posts at once).
            clash = next(
                (other for other in kept[:index]
                 if other.instance.mission_id == form.instance.mission_id
                 and form.instance.certainly_overlaps(other.instance)),
                None,
            )
            if clash:
                form.add_error(
                    "start_date",
                    self.overlap_message % {"other": format_partial_date(
                        clash.instance.start_date, clash.instance.start_precision)},
                )


# Where a fact's provenance sits: right under the fact, never collapsed.
SOURCE_FIELDSET = (_("Source"), {"fields": ("source", "confidence", "notes")})
SOURCE_WIDGETS = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 30})}}

# -- history: diff between two versions, revert ---------------------------------------------


class RegistryAdmin(SimpleHistoryAdmin):
    """A history-keeping admin with a readable diff between any two versions."""

    object_history_template = "admin/registry/object_history.html"

    def get_urls(self):
        info = self.model._meta.app_label, self.model._meta.model_name
        return [
            path(
                "<path:object_id>/history/compare/",
                self.admin_site.admin_view(self.history_compare_view),
                name="{}_{}_history_compare".format(*info),
            ),
            *super().get_urls(),
        ]

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # simple-history only hides the Revert button from viewers; refuse their POST as well,
        # or a view-only form (which has no fields, so is always valid) would save the old version.
        if request.method == "POST":
            obj = get_object_or_404(self.model, pk=unquote(object_id))
            if not self.has_change_permission(request, obj):
                raise PermissionDenied
        # get_form() reads the version's many-to-many values (mandate areas, host countries).
        request.history_record = get_object_or_404(
            self.model.history.model,
            **{self.model._meta.pk.attname: unquote(object_id), "history_id": version_id},
        )
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        record = getattr(request, "history_record", None)
        if record is None or not record._history_m2m_fields:
            return form
        # simple-history rebuilds a version without its many-to-many values, so a revert
        # would keep today's; start the form from the version's own.
        versioned = {
            field.name: [
                getattr(row, f"{get_m2m_reverse_field_name(field)}_id")
                for row in getattr(record, field.name).all()
            ]
            for field in record._history_m2m_fields
        }

        class VersionForm(form):
            def __init__(self, *args, **kwargs):
                kwargs["initial"] = {**versioned, **(kwargs.get("initial") or {})}
                super().__init__(*args, **kwargs)

        return VersionForm

    def history_compare_view(self, request, object_id):
        """Show the fields that differ between two versions of an object."""
        obj = get_object_or_404(self.model, pk=object_id)
        if not self.has_view_history_or_change_history_permission(request, obj):
            raise PermissionDenied
        # On a historical model `pk` is the version's id; the object's id has its own field.
        records = self.model.history.filter(**{self.model._meta.pk.attname: obj.pk})
        try:
            older = records.get(history_id=request.GET.get("older"))
            newer = records.get(history_id=request.GET.get("newer"))
        except (records.model.DoesNotExist, ValueError, ValidationError):
            raise Http404(_("Choose two versions of this object.")) from None
        if older.history_date > newer.history_date:
            older, newer = newer, older
        delta = newer.diff_against(older, foreign_keys_are_objs=True)
        helper = HistoricalRecordContextHelper(self.model, newer)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Differences: %s") % obj,
            "opts": self.model._meta,
            "object": obj,
            "older": older,
            "newer": newer,
            "changes": helper.context_for_delta_changes(delta),
        }
        return TemplateResponse(request, "admin/registry/history_compare.html", context)

    def view_on_site(self, obj):
        # The public pages may not be routed yet: then there is simply no link.
        try:
            return obj.get_absolute_url()
        except (NoReverseMatch, AttributeError):
            return None

    @admin.display(description=_("public page"))
    def public_link(self, obj):
        url = self.view_on_site(obj)
        return format_html('<a href="{}">{}</a>', url, _("view")) if url else "–"


# -- bulk import and export -----------------------------------------------------------------


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("File"), help_text=_("CSV (UTF-8) or Excel (.xlsx), first line the column names.")
    )


class BundleFilesMixin:
    """Import and export one file of the registry bundle from the change list."""

    bundle_file: str
    change_list_template = "admin/registry/change_list.html"
    import_salt = "registry-import"

    def get_urls(self):
        info = self.model._meta.app_label, self.model._meta.model_name
        return [
            path("import/", self.admin_site.admin_view(self.import_view),
                 name="{}_{}_import".format(*info)),
            path("export/", self.admin_site.admin_view(self.export_view),
                 name="{}_{}_export".format(*info)),
            *super().get_urls(),
        ]

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not self.has_view_permission(request):
            return actions
        for fmt, (_type, label) in FORMATS.items():
            description = _("Export selected %(name)s as %(format)s") % {
                "name": self.model._meta.verbose_name_plural, "format": label}
            actions[f"export_{fmt}"] = (self._export_action(fmt), f"export_{fmt}", description)
        return actions

    def _export_action(self, fmt):
        def export(modeladmin, request, queryset):
            return export_response(modeladmin.bundle_file, queryset, fmt)

        return export

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "bundle_formats": FORMATS,
            "can_import": self.has_add_permission(request) and self.has_change_permission(request),
        }
        return super().changelist_view(request, extra_context)

    def export_view(self, request):
        """Download the rows the change list shows (its filters and search apply)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        request.GET = request.GET.copy()
        fmt = request.GET.pop("format", ["csv"])[-1]
        if fmt not in FORMATS:
            raise Http404
        queryset = self.get_changelist_instance(request).get_queryset(request)
        return export_response(self.bundle_file, queryset, fmt)

    def import_view(self, request):
        """Upload, preview what would be created, changed and rejected, then confirm."""
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        opts = self.model._meta
        changelist_url = reverse(
            f"admin:{opts.app_label}_{opts.model_name}_changelist", current_app=self.admin_site.name
        )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import %s") % opts.verbose_name_plural,
            "opts": opts,
            "bundle_file": self.bundle_file,
            "columns": FILES[self.bundle_file],
            "changelist_url": changelist_url,
        }
        form = ImportForm()
        # A preview signed for one file cannot be confirmed into another.
        salt = f"{self.import_salt}:{self.bundle_file}"
        if request.method == "POST" and "confirm" in request.POST:
            try:
                data = signing.loads(request.POST.get("payload", ""), salt=salt, max_age=3600)
            except signing.BadSignature:
                messages.error(request, _("The preview has expired: upload the file again."))
                return HttpResponseRedirect(request.path)
            preview = import_preview(file=self.bundle_file, header=data["header"],
                                     rows=data["rows"], dry_run=False)
            if preview.ok:
                counts = preview.counts
                messages.success(request, _(
                    "Imported %(name)s: %(created)d created, %(updated)d updated, "
                    "%(unchanged)d unchanged."
                ) % {"name": data["name"], **counts})
                return HttpResponseRedirect(changelist_url)
            # The data changed since the preview: nothing was saved; show why.
            context.update(preview=preview, upload_name=data["name"])
        elif request.method == "POST":
            form = ImportForm(request.POST, request.FILES)
            if form.is_valid():
                upload = form.cleaned_data["file"]
                try:
                    header, rows = read_upload(upload)
                except UploadError as exc:
                    form.add_error("file", str(exc))
                else:
                    preview = import_preview(file=self.bundle_file, header=header, rows=rows,
                                             dry_run=True)
                    context.update(preview=preview, upload_name=upload.name)
                    if preview.ok:
                        context["payload"] = signing.dumps(
                            {"name": upload.name, "header": header, "rows": rows},
                            salt=salt, compress=True,
                        )
        context["form"] = form
        return TemplateResponse(request, "admin/registry/import.html", context)


# -- actions with an intermediate form --------------------------------------------------------


def render_action_form(modeladmin, request, queryset, form, action, title, intro=""):
    """Show an action's form for the selected objects (the admin's intermediate page)."""
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "intro": intro,
        "opts": modeladmin.model._meta,
        "queryset": queryset,
        "form": form,
        "action": action,
        "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/registry/action_form.html", context)


def apply_errors(form, exc: ValidationError, fields: dict[str, str], prefix: str = "") -> None:
    """Put a service's ValidationError on the form fields it concerns."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            target = fields.get(name)
            for message in errors:
                form.add_error(target, f"{prefix}{message}" if target is None else message)
    else:
        for message in exc.messages:
            form.add_error(None, f"{prefix}{message}")


class MissionCloseForm(forms.Form):
    end_date = PartialDateField(
        bound="end", label=_("End"),
        help_text=_("The mission's last day: 2009, 2009-03 or 2009-03-15."),
    )
    successor = forms.ModelChoiceField(
        Mission.objects.order_by("acronym"), required=False, label=_("Succeeded by"),
        help_text=_("Leave empty when nothing took over."),
        # Searched as the successor of a transition is in the transition admin.
        widget=AutocompleteSelect(Transition._meta.get_field("successor"), admin.site),
    )
    transition_kind = forms.ChoiceField(
        choices=TransitionKind.choices, initial=TransitionKind.SPM_TO_SPM,
        label=_("Kind of transition"),
    )
    transition_date = PartialDateField(
        required=False, label=_("Takeover"),
        help_text=_("Empty: the day after the end (or the end's month or year if imprecise)."),
    )
    document = forms.CharField(required=False, label=_("Document"),
                               help_text=_("Symbol, e.g. S/RES/2097 (2013)."))
    source = forms.CharField(required=False, label=_("Source"), widget=forms.Textarea(
        attrs={"rows": 2}))


# -- admins -------------------------------------------------------------------------------------


@admin.register(Cluster)
class ClusterAdmin(admin.ModelAdmin):
    list_display = ("__str__", "slug", "position")
    search_fields = ("name", "slug")


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    search_fields = ("name", "slug")


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ("name", "iso3", "iso2")
    search_fields = ("name", "iso3", "iso2")


@admin.register(Document)
class DocumentAdmin(RegistryAdmin):
    form = DatedFactForm
    list_display = ("symbol", "kind", "body", "date_display", "title", "library_link")
    list_filter = ("kind", "body", "year")
    search_fields = ("symbol", "title")
    fieldsets = (
        (None, {"fields": ("symbol", "kind", "body", "date", "title")}),
        (_("Advanced"), {"classes": ("collapse",), "fields": ("year", "created_at", "updated_at")}),
    )
    readonly_fields = ("created_at", "updated_at")

    @admin.display(description=_("date"), ordering="date")
    def date_display(self, obj):
        return format_partial_date(obj.date, obj.date_precision)

    @admin.display(description=_("UN Digital Library"))
    def library_link(self, obj):
        return format_html('<a href="{}" rel="noopener">{}</a>', obj.library_url, _("search"))


class PeriodColumnsMixin:
    """List columns for a period's bounds, written at their precision and sortable."""

    @admin.display(description=_("start"), ordering="start_date")
    def start(self, obj):
        return obj.start

    @admin.display(description=_("end"), ordering="end_date")
    def end(self, obj):
        return obj.end or ("?" if obj.end_unknown else "")


class PeriodStatusFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("active", _("in force today")), ("ended", _("ended")),
                ("end_unknown", _("ended, date unknown"))]

    def queryset(self, request, queryset):
        if self.value() == "active":
            return queryset.active_on(date.today())
        if self.value() == "ended":
            return queryset.filter(end_date__lt=date.today())
        if self.value() == "end_unknown":
            return queryset.filter(end_unknown=True)
        return queryset


class ProfileInlineFormSet(forms.BaseInlineFormSet):
    """Refuse the details of one cluster (envoy, sanctions panel) on a mission of another."""

    cluster_slug = ""

    def clean(self):
        super().clean()
        cluster = getattr(self.instance, "cluster", None) if self.instance.cluster_id else None
        filled = [f for f in self.forms if f.has_changed() and not self._should_delete_form(f)]
        if filled and cluster is not None and cluster.slug != self.cluster_slug:
            raise ValidationError(
                _("These details are for %(kind)s only; this mission is in %(cluster)s.")
                % {"kind": self.model._meta.verbose_name, "cluster": cluster}
            )


class EnvoyInline(admin.StackedInline):
    model = Envoy
    formset = type("EnvoyFormSet", (ProfileInlineFormSet,), {"cluster_slug": "envoy"})
    max_num = 1
    extra = 0
    autocomplete_fields = ("joint_with",)
    verbose_name_plural = _("envoy details (cluster I)")


class SanctionsPanelForm(forms.ModelForm):
    expertise = forms.MultipleChoiceField(
        choices=Expertise.choices, required=False, widget=forms.CheckboxSelectMultiple,
        label=_("areas of expertise"),
    )

    class Meta:
        model = SanctionsPanel
        fields = ["committee", "regime_document", "experts", "expertise", "panel_base"]


class SanctionsPanelInline(admin.StackedInline):
    model = SanctionsPanel
    form = SanctionsPanelForm
    formset = type("SanctionsPanelFormSet", (ProfileInlineFormSet,),
                   {"cluster_slug": "sanctions_panel"})
    max_num = 1
    extra = 0
    autocomplete_fields = ("regime_document",)
    verbose_name_plural = _("sanctions panel details (cluster II)")


class MandateInline(admin.TabularInline):
    model = Mandate

    form = PartialDatesForm
    formset = type("MandateFormSet", (PeriodInlineFormSet,), {
        "overlap_message": _("This period overlaps the mandate from %(other)s.")})
    fields = ("start_date", "end_date", "document", "mandate_areas", "completeness", "source",
              "confidence")
    autocomplete_fields = ("document", "mandate_areas")
    formfield_overrides = SOURCE_WIDGETS
    extra = 1
    show_change_link = True


class AppointmentInline(admin.TabularInline):
    model = Appointment
    form = PartialDatesForm
    formset = type("AppointmentFormSet", (PeriodInlineFormSet,), {
        "overlap_message": _("This tenure overlaps the one from %(other)s.")})
    fields = ("person", "title", "start_date", "end_date", "end_unknown", "source", "confidence")
    autocomplete_fields = ("person",)
    formfield_overrides = SOURCE_WIDGETS
    extra = 0
    show_change_link = True


class PartnershipInline(admin.TabularInline):
    model = Partnership
    form = PartialDatesForm
    fields = ("organization", "kind", "start_date", "end_date", "source", "confidence")
    autocomplete_fields = ("organization",)
    formfield_overrides = SOURCE_WIDGETS
    extra = 0


@admin.register(Mission)
class MissionAdmin(BundleFilesMixin, PeriodColumnsMixin, RegistryAdmin):
    bundle_file = "missions.csv"
    form = PartialDatesForm
    list_display = ("acronym", "name", "cluster", "kind", "category", "start", "end",
                    "mandating_body", "region", "public_link")
    list_filter = (PeriodStatusFilter, "cluster", "category", "kind", "mandating_body", "region",
                   "in_2013_annex", "in_2024_page", "confidence")
    search_fields = ("acronym", "name", "base", "notes")
    list_select_related = ("cluster", "region")
    autocomplete_fields = ("founding_document", "host_countries")
    date_hierarchy = "start_date"
    readonly_fields = ("created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("acronym", "name", ("cluster", "kind"), "category", "mandating_body",
                           "founding_document")}),
        (_("Period"), {"fields": (("start_date", "end_date"), "end_unknown")}),
        (_("Place"), {"fields": ("region", "host_countries", "base")}),
        SOURCE_FIELDSET,
        (_("Advanced"), {"classes": ("collapse",),
                         "fields": ("in_2013_annex", "in_2024_page", "created_at", "updated_at")}),
    )
    inlines = (EnvoyInline, SanctionsPanelInline, MandateInline, AppointmentInline,
               PartnershipInline)
    actions = ("close_missions", "renew_last_mandates")

    def get_inlines(self, request, obj):
        # Only the details of the mission's own cluster once it has one.
        profile = {"envoy": EnvoyInline, "sanctions_panel": SanctionsPanelInline}
        if obj is not None and obj.cluster_id:
            wanted = profile.get(obj.cluster.slug)
            return [i for i in self.inlines if i not in profile.values() or i is wanted]
        return self.inlines

    def has_close_permission(self, request) -> bool:
        return request.user.has_perms(MISSION_CLOSE_PERMISSIONS)

    @admin.action(description=_("Close selected missions (asks the end and the successor)"),
                  permissions=["close"])
    def close_missions(self, request, queryset):
        form = MissionCloseForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            data = form.cleaned_data
            end, takeover = data["end_date"], data["transition_date"]
            try:
                with transaction.atomic():
                    document = (document_get_or_create(symbol=data["document"])
                                if data["document"] else None)
                    for mission in queryset:
                        try:
                            mission_close(
                                mission=mission, end_date=end.day, end_precision=end.precision,
                                transition_to=data["successor"],
                                transition_kind=data["transition_kind"],
                                transition_date=takeover.day if takeover else None,
                                transition_precision=takeover.precision if takeover else None,
                                document=document, source=data["source"],
                            )
                        except ValidationError as exc:
                            apply_errors(form, exc, {"end_date": "end_date",
                                                     "date": "transition_date",
                                                     "successor": "successor"},
                                         prefix=f"{mission}: ")
                    if form.errors:
                        raise ValidationError("rolled back")
            except ValidationError:
                pass
            else:
                self.message_user(request, _("Closed: %s.") % ", ".join(map(str, queryset)),
                                  messages.SUCCESS)
                return None
        return render_action_form(self, request, queryset, form, "close_missions",
                                  _("Close missions"))

    @admin.action(description=_("Renew the last mandate of selected missions"),
                  permissions=["change"])
    def renew_last_mandates(self, request, queryset):
        from mandates.admin import renew_mandates_action

        last = [m.mandates.order_by("-start_date").first() for m in queryset]
        mandates = Mandate.objects.filter(pk__in=[m.pk for m in last if m])
        return renew_mandates_action(self, request, queryset, mandates, "renew_last_mandates")


@admin.register(Envoy)
class EnvoyAdmin(RegistryAdmin):
    list_display = ("mission", "seat", "joint_with")
    list_filter = ("seat",)
    search_fields = ("mission__acronym", "mission__name")
    list_select_related = ("mission", "joint_with")
    autocomplete_fields = ("mission", "joint_with")


@admin.register(SanctionsPanel)
class SanctionsPanelAdmin(RegistryAdmin):
    form = SanctionsPanelForm
    list_display = ("mission", "committee", "regime_document", "experts", "panel_base")
    list_filter = ("panel_base",)
    search_fields = ("mission__acronym", "mission__name", "committee")
    list_select_related = ("mission", "regime_document")
    autocomplete_fields = ("mission", "regime_document")


@admin.register(Person)
class PersonAdmin(RegistryAdmin):
    list_display = ("name", "gender")
    list_filter = ("gender",)
    search_fields = ("name",)
    inlines = (AppointmentInline,)

    def get_inline_instances(self, request, obj=None):
        # On a person, the appointment inline names the mission instead of the person.
        inline = type("PersonAppointmentInline", (AppointmentInline,), {
            "fields": ("mission", "title", "start_date", "end_date", "end_unknown", "source",
                       "confidence"),
            "autocomplete_fields": ("mission",)})
        return [inline(self.model, self.admin_site)] if obj else []


@admin.register(Appointment)
class AppointmentAdmin(BundleFilesMixin, PeriodColumnsMixin, RegistryAdmin):
    bundle_file = "appointments.csv"
    form = PartialDatesForm
    list_display = ("person", "mission", "title", "start", "end", "confidence")
    list_filter = (PeriodStatusFilter, "mission__cluster", "person__gender", "confidence")
    search_fields = ("person__name", "mission__acronym", "title")
    list_select_related = ("person", "mission")
    autocomplete_fields = ("mission", "person")
    date_hierarchy = "start_date"
    fieldsets = (
        (None, {"fields": ("mission", "person", "title")}),
        (_("Period"), {"fields": (("start_date", "end_date"), "end_unknown")}),
        SOURCE_FIELDSET,
    )


@admin.register(Organization)
class OrganizationAdmin(RegistryAdmin):
    list_display = ("acronym", "name")
    search_fields = ("acronym", "name")


@admin.register(Partnership)
class PartnershipAdmin(PeriodColumnsMixin, RegistryAdmin):
    form = PartialDatesForm
    list_display = ("mission", "organization", "kind", "start", "end")
    list_filter = ("kind", "organization")
    search_fields = ("mission__acronym", "organization__acronym", "organization__name")
    list_select_related = ("mission", "organization")
    autocomplete_fields = ("mission", "organization")
    fieldsets = (
        (None, {"fields": ("mission", "organization", "kind")}),
        (_("Period"), {"fields": (("start_date", "end_date"), "end_unknown")}),
        SOURCE_FIELDSET,
    )


@admin.register(Transition)
class TransitionAdmin(BundleFilesMixin, RegistryAdmin):
    bundle_file = "transitions.csv"
    form = DatedFactForm
    list_display = ("predecessor", "successor", "when", "kind", "country", "document")
    list_filter = ("kind", "confidence")
    search_fields = ("predecessor__acronym", "successor__acronym", "country__name")
    list_select_related = ("predecessor", "successor", "country", "document")
    autocomplete_fields = ("predecessor", "successor", "country", "document")
    date_hierarchy = "date"
    fieldsets = (
        (None, {"fields": ("predecessor", "successor", "date", "kind", "country", "document")}),
        SOURCE_FIELDSET,
    )
