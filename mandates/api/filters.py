"""FilterSets of the mandates app, shared by the API and the analyst UI."""

import django_filters as filters
from django.db.models import Q

from missions.api.filters import ISO_DATE, MAX_ID, SlugChoiceFilter, StrictFilterSet

from ..choices import MandateCompleteness
from ..models import Mandate, MandateArea

__all__ = ["MandateAreaFilterSet", "MandateFilterSet"]


class MandateAreaFilterSet(StrictFilterSet):
    """Filter mandate areas by text and by the missions that held them."""

    search_fields = ("slug", "name", "description")

    q = filters.CharFilter(method="search", help_text="Text in the slug, name or description.")
    slug = filters.CharFilter()

    class Meta:
        model = MandateArea
        fields = ["q", "slug"]


class MandateFilterSet(StrictFilterSet):
    """Filter mandate periods by mission, area, document and day."""

    mission = filters.NumberFilter(
        field_name="mission_id", min_value=1, max_value=MAX_ID, help_text="Mission id."
    )
    mandate_area = SlugChoiceFilter(
        queryset=MandateArea.objects.all(),
        to_field_name="slug",
        field_name="mandate_areas",
        help_text="Mandate area slug.",
    )
    document = filters.CharFilter(
        field_name="document__symbol", help_text="Symbol of the adopting document."
    )
    completeness = filters.ChoiceFilter(choices=MandateCompleteness.choices)
    active_on = filters.DateFilter(
        input_formats=ISO_DATE, method="filter_active_on", help_text="In force on this day."
    )
    q = filters.CharFilter(method="search", help_text="Text in the mission acronym or name.")

    search_fields = ("mission__acronym", "mission__name")

    class Meta:
        model = Mandate
        fields = ["mission", "mandate_area", "document", "completeness", "active_on", "q"]

    def filter_active_on(self, queryset, name, value):
        return queryset.active_on(value)

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(mission__acronym__icontains=value) | Q(mission__name__icontains=value)
        )
