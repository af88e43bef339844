"""Admin for mandates, mandate areas and their partial attestations."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from missions.admin import (
    SOURCE_FIELDSET,
    SOURCE_WIDGETS,
    BundleFilesMixin,
    PartialDateField,
    PartialDatesForm,
    PeriodColumnsMixin,
    PeriodStatusFilter,
    RegistryAdmin,
    apply_errors,
    render_action_form,
)
from missions.services import document_get_or_create

from .models import AreaAttestation, Benchmark, Mandate, MandateArea, MandatedTask
from .services import mandate_renew


class MandateRenewForm(forms.Form):
    until = PartialDateField(
        bound="end", required=False, label=_("In force until"),
        help_text=_("2009, 2009-03 or 2009-03-15; empty while no end is set."),
    )
    document = forms.CharField(required=False, label=_("Renewing document"),
                               help_text=_("Symbol, e.g. S/RES/2097 (2013)."))
    source = forms.CharField(required=False, label=_("Source"),
                             widget=forms.Textarea(attrs={"rows": 2}))


def renew_mandates_action(modeladmin, request, queryset, mandates, action: str):
    """Ask the end of the next period, then renew each of `mandates` with its areas, all or none."""
    form = MandateRenewForm(request.POST if "apply" in request.POST else None)
    if "apply" in request.POST and form.is_valid():
        data = form.cleaned_data
        until = data["until"]
        renewed = []
        try:
            with transaction.atomic():
                document = (document_get_or_create(symbol=data["document"])
                            if data["document"] else None)
                for mandate in mandates.select_related("mission"):
                    try:
                        renewed.append(mandate_renew(
                            mandate=mandate, until=until.day if until else None,
                            until_precision=until.precision if until else "day",
                            document=document, source=data["source"],
                        ))
                    except ValidationError as exc:
                        apply_errors(form, exc, {"end_date": "until"}, prefix=f"{mandate}: ")
                if not mandates.exists():
                    form.add_error(None, _("None of the selected missions has a mandate yet."))
                if form.errors:
                    raise ValidationError("rolled back")
        except ValidationError:
            pass
        else:
            modeladmin.message_user(
                request, _("Renewed: %s.") % ", ".join(map(str, renewed)), messages.SUCCESS
            )
            return None
    return render_action_form(modeladmin, request, queryset, form, action,
                              _("Renew mandates"),
                              _("Each new period starts the day after the last one ends and "
                                "keeps its mandate areas and tasks."))


class MandatedTaskInline(admin.TabularInline):
    model = MandatedTask
    extra = 0


@admin.register(MandateArea)
class MandateAreaAdmin(RegistryAdmin):
    list_display = ("name", "slug")
    search_fields = ("name", "slug", "description")
    prepopulated_fields = {"slug": ("name",)}
    inlines = (MandatedTaskInline,)


@admin.register(MandatedTask)
class MandatedTaskAdmin(admin.ModelAdmin):
    list_display = ("name", "area")
    list_filter = ("area",)
    search_fields = ("name", "area__name")
    list_select_related = ("area",)
    autocomplete_fields = ("area",)


@admin.register(Mandate)
class MandateAdmin(BundleFilesMixin, PeriodColumnsMixin, RegistryAdmin):
    bundle_file = "mandates.csv"
    form = PartialDatesForm
    list_display = ("mission", "start", "end", "document", "area_count", "completeness",
                    "confidence", "public_link")
    list_filter = (PeriodStatusFilter, "completeness", "mission__cluster", "mandate_areas",
                   "confidence")
    search_fields = ("mission__acronym", "mission__name", "document__symbol")
    list_select_related = ("mission", "document")
    autocomplete_fields = ("mission", "document", "mandate_areas", "tasks")
    date_hierarchy = "start_date"
    readonly_fields = ("created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("mission", "document")}),
        (_("Period"), {"fields": (("start_date", "end_date"), "end_unknown")}),
        (_("Content"), {"fields": ("mandate_areas", "tasks", "completeness")}),
        SOURCE_FIELDSET,
        (_("Advanced"), {"classes": ("collapse",), "fields": ("created_at", "updated_at")}),
    )
    actions = ("renew_mandates",)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("mandate_areas")

    @admin.display(description=_("areas"))
    def area_count(self, obj):
        return len(obj.mandate_areas.all())

    @admin.action(description=_("Renew selected mandates (the next period, same areas)"),
                  permissions=["add"])
    def renew_mandates(self, request, queryset):
        return renew_mandates_action(self, request, queryset, queryset, "renew_mandates")


@admin.register(AreaAttestation)
class AreaAttestationAdmin(RegistryAdmin):
    list_display = ("mission", "mandate_area", "from_year", "to_year", "confidence")
    list_filter = ("mandate_area", "mission__cluster")
    search_fields = ("mission__acronym", "mandate_area__name", "source")
    list_select_related = ("mission", "mandate_area")
    autocomplete_fields = ("mission", "mandate_area")
    fieldsets = (
        (None, {"fields": ("mission", "mandate_area", ("from_year", "to_year"))}),
        SOURCE_FIELDSET,
    )


@admin.register(Benchmark)
class BenchmarkAdmin(RegistryAdmin):
    list_display = ("mission", "short_text", "adopted_date", "document")
    list_filter = ("mission__cluster",)
    search_fields = ("mission__acronym", "text")
    list_select_related = ("mission", "document")
    autocomplete_fields = ("mission", "document")
    date_hierarchy = "adopted_date"
    formfield_overrides = SOURCE_WIDGETS
    fieldsets = (
        (None, {"fields": ("mission", "text", "adopted_date", "document")}),
        SOURCE_FIELDSET,
    )

    @admin.display(description=_("benchmark"))
    def short_text(self, obj):
        return obj.text[:80]
