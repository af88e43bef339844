"""FilterSets of the missions app, shared by the API and the analyst UI.

Use them as `MissionFilterSet(request.GET, queryset=Mission.objects.all())`: a bad value
(`active_on=2013-13-01`, `cluster=nonsense`) is reported in `filterset.errors` under the name of
its parameter, never silently dropped. Every date rule comes from missions/querysets.py.
"""

import copy
from datetime import date

import django_filters as filters
from django import forms
from django.core.exceptions import ValidationError
from django.db import connections
from django.db.models import Q
from django.http import QueryDict
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django_filters.utils import label_for_filter
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from mandates.models import MandateArea

from ..choices import (
    KINDS_BY_CLUSTER,
    DatePrecision,
    DocumentKind,
    Gender,
    MandatingBody,
    MissionCategory,
    MissionKind,
    TransitionKind,
)
from ..dates import widen
from ..models import (
    Appointment,
    Country,
    Document,
    Mission,
    Organization,
    Person,
    Region,
    Transition,
)

__all__ = [
    "MAX_ID",
    "AppointmentFilterSet",
    "CountryFilterSet",
    "DocumentFilterSet",
    "MissionFilterSet",
    "OrganizationFilterSet",
    "PersonFilterSet",
    "RegionFilterSet",
    "SlugChoiceFilter",
    "StrictFilterSet",
    "TransitionFilterSet",
]

ISO_DATE = ["%Y-%m-%d"]
MAX_ID = 2**63 - 1  # the largest key a database column holds; beyond it SQLite overflows
CLUSTER_CHOICES = [(slug, slug) for slug in KINDS_BY_CLUSTER]


# -- form fields that refuse what they do not understand ---------------------------------------


class StrictBooleanField(forms.NullBooleanField):
    """A yes/no value: `true`/`false`/`1`/`0`; anything else is an error, not "no filter"."""

    widget = forms.Select(choices=[("", "---------"), ("true", _("yes")), ("false", _("no"))])
    TRUE = {"true", "1", "yes", "on"}
    FALSE = {"false", "0", "no", "off"}

    def to_python(self, value):
        if value in (True, False, None):
            return value
        text = str(value).strip().lower()
        if text == "":
            return None
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise ValidationError(
            _("%(value)s is not a boolean (use true or false)."),
            code="invalid",
            params={"value": value},
        )

    def validate(self, value):
        pass


class SlugOrNameMultipleChoiceField(forms.ModelMultipleChoiceField):
    """One or more rows named by slug or (case-insensitively) by name."""

    def _check_values(self, value):
        found = []
        for key in value:
            key = str(key).strip()
            # PostgreSQL refuses NUL in a query; no slug or name holds one.
            row = None if "\x00" in key else self._lookup(key)
            if row is None:
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": key},
                )
            found.append(row)
        return found

    def _lookup(self, key: str):
        return self.queryset.filter(Q(slug=key) | Q(name__iexact=key)).first()


class KeyModelChoiceField(forms.ModelChoiceField):
    """A row named by a key; text no key holds (NUL, which PostgreSQL refuses) is an error.

    The row is looked up by one plain statement, read into an instance holding its key and
    `to_field_name` (what the filters read): the ORM spent more writing `.get()` than the
    database answering it (4% of bench/api.py's filtered list). A narrowed queryset is asked
    through the ORM, as ModelChoiceField does.
    """

    def to_python(self, value):
        if isinstance(value, str) and "\x00" in value:
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value.replace("\x00", "")},
            )
        query = self.queryset.query
        if value in self.empty_values or not self.to_field_name or query.where or query.is_sliced:
            return super().to_python(value)
        model = self.queryset.model
        key = model._meta.get_field(self.to_field_name)
        connection = connections[self.queryset.db]
        quote = connection.ops.quote_name
        sql = (
            f"SELECT {quote(model._meta.pk.column)}, {quote(key.column)}"  # noqa: S608 (names are ours; the value is a parameter)
            f" FROM {quote(model._meta.db_table)} WHERE {quote(key.column)} = %s"
        )
        try:
            param = key.get_db_prep_value(key.to_python(value), connection)
        except (ValidationError, ValueError, TypeError):
            row = None
        else:
            with connection.cursor() as cursor:
                cursor.execute(sql, [param])
                row = cursor.fetchone()
        if row is None:
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )
        return model.from_db(self.queryset.db, [model._meta.pk.attname, key.attname], row)


class UpperCaseModelChoiceField(KeyModelChoiceField):
    """A row named by an upper-case code (ISO 3166-1 alpha-3), whatever case it is typed in."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().upper()
        return super().to_python(value)


class ColumnChoiceFilter(filters.MultipleChoiceFilter):
    """Values of a column of the rows themselves: no join, so no duplicate rows to remove.

    django-filter's MultipleChoiceFilter adds DISTINCT by default (for to-many fields). Here it
    would only cost a sort of every match, and a filtered mission page could no longer be
    read by its keys (config.api.LimitOffsetPagination).
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("distinct", False)
        super().__init__(*args, **kwargs)


class StrictBooleanFilter(filters.BooleanFilter):
    field_class = StrictBooleanField


class SlugOrNameFilter(filters.ModelMultipleChoiceFilter):
    field_class = SlugOrNameMultipleChoiceField


@extend_schema_field(OpenApiTypes.STR)
class CountryCodeFilter(filters.ModelChoiceFilter):
    field_class = UpperCaseModelChoiceField


@extend_schema_field(OpenApiTypes.STR)
class SlugChoiceFilter(filters.ModelChoiceFilter):
    """A row named by its slug."""

    field_class = KeyModelChoiceField


class StrictFilterSet(filters.FilterSet):
    """A FilterSet whose `q` filter ORs `icontains` over `search_fields`."""

    search_fields: tuple[str, ...] = ()

    # A FilterSet is built on every request: work each filter's label out once per class, and
    # lazily, so that it still follows the request's language.
    @classmethod
    def get_filters(cls):
        filters_ = super().get_filters()
        model = cls._meta.model
        for filter_ in filters_.values():
            if model is not None and filter_._label is None:
                filter_._label = lazy(label_for_filter, str)(
                    model, filter_.field_name, filter_.lookup_expr, filter_.exclude
                )
        return filters_

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        # As django-filter's, but each filter is copied shallowly, then given its own parent,
        # model and method: deep copies (of a filter's queryset, its lazy label, ...) were 5%
        # of a filtered list's Python time, and nothing else of a filter changes per request.
        if queryset is None:
            queryset = self._meta.model._default_manager.all()
        self.is_bound = data is not None
        self.data = data or QueryDict()
        self.queryset = queryset
        self.request = request
        self.form_prefix = prefix
        self.filters = {}
        for name, filter_ in self.base_filters.items():
            bound = self.filters[name] = copy.copy(filter_)
            bound.method = filter_.method  # a FilterMethod of its own, bound to this copy
            bound.model, bound.parent = queryset.model, self

    def get_form_class(self):
        # django-filter makes a new form class on every request from the filters' fields;
        # they are the same for every instance of a class (a form deep-copies its fields).
        form_class = type(self).__dict__.get("_form_class")
        if form_class is None:
            form_class = super().get_form_class()
            type(self)._form_class = form_class
        return form_class

    def search(self, queryset, name, value):
        """Return rows where any of `search_fields` contains `value` (case-insensitive)."""
        value = value.strip()
        if not value:
            return queryset
        condition = Q()
        for field in self.search_fields:
            condition |= Q(**{f"{field}__icontains": value})
        return queryset.filter(condition)


def _date_filter(help_text: str, **kwargs) -> filters.DateFilter:
    return filters.DateFilter(input_formats=ISO_DATE, help_text=help_text, **kwargs)


# The widest reading of an imprecise bound (DOMAIN.md): a start "2009" could be any day of 2009,
# so it matches started_after=2009-06-01 and started_before=2009-05-31 alike.
def _bound_reaches(field: str, day: date, bound: str) -> Q:
    """Return rows whose `field` range (stored widened) could lie on `day` or beyond it."""
    lookup = "gte" if bound == "start" else "lte"
    condition = Q()
    for precision in DatePrecision.values:
        condition |= Q(
            **{
                f"{field}_precision": precision,
                f"{field}_date__{lookup}": widen(day, precision, bound),
            }
        )
    return condition


# -- missions -----------------------------------------------------------------------------------


class MissionFilterForm(forms.Form):
    """Check the parameters that only make sense together."""

    def clean(self):
        data = super().clean()
        for first, last in (
            ("active_from", "active_to"),
            ("started_after", "started_before"),
            ("ended_after", "ended_before"),
        ):
            if data.get(first) and data.get(last) and data[first] > data[last]:
                self.add_error(
                    last, _("%(last)s is before %(first)s.") % {"last": last, "first": first}
                )
        return data


class MissionFilterSet(StrictFilterSet):
    """Filter missions by cluster, kind, place, mandate and time (see the API docs)."""

    search_fields = ("acronym", "name", "notes")

    q = filters.CharFilter(method="search", help_text="Text in the acronym, name or notes.")
    cluster = filters.MultipleChoiceFilter(
        choices=CLUSTER_CHOICES,
        method="filter_cluster",
        help_text="Cluster slug; repeat the parameter for several.",
    )
    kind = ColumnChoiceFilter(choices=MissionKind.choices)
    category = ColumnChoiceFilter(choices=MissionCategory.choices)
    mandating_body = ColumnChoiceFilter(choices=MandatingBody.choices)
    country = CountryCodeFilter(
        queryset=Country.objects.all(),
        to_field_name="iso3",
        method="filter_country",
        help_text="Host country, ISO 3166-1 alpha-3 (AFG).",
    )
    region = SlugOrNameFilter(
        queryset=Region.objects.all(),
        to_field_name="slug",
        method="filter_region",
        help_text="Region slug or name (africa, Middle East); repeat for several.",
    )
    mandate_area = SlugChoiceFilter(
        queryset=MandateArea.objects.all(),
        to_field_name="slug",
        method="filter_mandate_area",
        help_text="Mandate area slug: missions whose mandate includes it; with active_on, "
        "the mandate in force on that day.",
    )
    active_on = _date_filter("Active on this day (YYYY-MM-DD).", method="filter_active_on")
    active_from = _date_filter(
        "With active_to: active at some time from this day (YYYY-MM-DD).",
        method="filter_active_from",
    )
    active_to = _date_filter(
        "With active_from: active at some time up to this day (YYYY-MM-DD).",
        method="filter_active_to",
    )
    started_after = _date_filter(
        "Started on or after this day; an imprecise start counts if its range reaches it.",
        method="filter_started_after",
    )
    started_before = _date_filter(
        "Started on or before this day; an imprecise start counts if its range reaches it.",
        field_name="start_date",
        lookup_expr="lte",
    )
    ended_after = _date_filter(
        "Ended on or after this day (missions still in force are left out).",
        field_name="end_date",
        lookup_expr="gte",
    )
    ended_before = _date_filter(
        "Ended on or before this day; an imprecise end counts if its range reaches it.",
        method="filter_ended_before",
    )
    is_active = StrictBooleanFilter(method="filter_is_active", help_text="Active today.")
    updated_since = filters.IsoDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gte",
        help_text="Changed at or after this ISO 8601 timestamp (for clients that sync).",
    )
    ordering = filters.OrderingFilter(
        fields=(
            ("acronym", "acronym"),
            ("name", "name"),
            ("start_date", "start"),
            ("end_date", "end"),
        ),
        help_text="acronym, name, start or end; prefix - for descending.",
    )

    class Meta:
        model = Mission
        form = MissionFilterForm
        fields = [
            "q",
            "cluster",
            "kind",
            "category",
            "country",
            "region",
            "mandating_body",
            "mandate_area",
            "active_on",
            "active_from",
            "active_to",
            "started_after",
            "started_before",
            "ended_after",
            "ended_before",
            "is_active",
            "updated_since",
        ]

    def filter_cluster(self, queryset, name, value):
        return queryset.in_cluster(*value) if value else queryset

    def filter_country(self, queryset, name, value):
        return queryset.in_country(value.iso3) if value else queryset

    def filter_region(self, queryset, name, value):
        return queryset.in_region(*(region.slug for region in value)) if value else queryset

    def filter_mandate_area(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.with_mandate_area(value, on=self.form.cleaned_data.get("active_on"))

    def filter_active_on(self, queryset, name, value):
        return queryset.active_on(value)

    def filter_active_from(self, queryset, name, value):
        # Combined with active_to by AND: overlapping(a, None) & overlapping(None, b) is
        # overlapping(a, b).
        return queryset.overlapping(value, None)

    def filter_active_to(self, queryset, name, value):
        return queryset.overlapping(None, value)

    def filter_started_after(self, queryset, name, value):
        return queryset.filter(_bound_reaches("start", value, "start"))

    def filter_ended_before(self, queryset, name, value):
        return queryset.filter(_bound_reaches("end", value, "end"))

    def filter_is_active(self, queryset, name, value):
        today = timezone.localdate()
        if value:
            return queryset.active_on(today)
        return queryset.exclude(pk__in=Mission.objects.active_on(today).values("pk"))


# -- the other resources of this app ------------------------------------------------------------


class DocumentFilterSet(StrictFilterSet):
    """Filter documents by symbol, body, kind and year."""

    search_fields = ("symbol", "title")

    q = filters.CharFilter(method="search", help_text="Text in the symbol or title.")
    symbol = filters.CharFilter(help_text="Exact symbol (S/RES/2040 (2012)).")
    body = ColumnChoiceFilter(choices=MandatingBody.choices)
    kind = ColumnChoiceFilter(choices=DocumentKind.choices)
    year = filters.NumberFilter(min_value=1900, max_value=2200)
    ordering = filters.OrderingFilter(fields=("symbol", "year", "date"))

    class Meta:
        model = Document
        fields = ["q", "symbol", "body", "kind", "year"]


class TransitionFilterSet(StrictFilterSet):
    """Filter transitions by country, kind, mission and date range."""

    country = CountryCodeFilter(
        queryset=Country.objects.all(),
        to_field_name="iso3",
        help_text="ISO 3166-1 alpha-3.",
    )
    kind = ColumnChoiceFilter(choices=TransitionKind.choices)
    mission = filters.NumberFilter(
        method="filter_mission",
        min_value=1,
        max_value=MAX_ID,
        help_text="Id of the predecessor or successor.",
    )
    date_after = _date_filter("On or after this day.", field_name="date", lookup_expr="gte")
    date_before = _date_filter("On or before this day.", field_name="date", lookup_expr="lte")

    class Meta:
        model = Transition
        fields = ["country", "kind", "mission", "date_after", "date_before"]

    def filter_mission(self, queryset, name, value):
        return queryset.filter(Q(predecessor_id=value) | Q(successor_id=value))


class AppointmentFilterSet(StrictFilterSet):
    """Filter heads of mission by person, mission and day."""

    person = filters.NumberFilter(
        field_name="person_id", min_value=1, max_value=MAX_ID, help_text="Person id."
    )
    mission = filters.NumberFilter(
        field_name="mission_id", min_value=1, max_value=MAX_ID, help_text="Mission id."
    )
    active_on = _date_filter("In office on this day (YYYY-MM-DD).", method="filter_active_on")

    class Meta:
        model = Appointment
        fields = ["person", "mission", "active_on"]

    def filter_active_on(self, queryset, name, value):
        return queryset.active_on(value)


class PersonFilterSet(StrictFilterSet):
    """Filter people by name and gender."""

    search_fields = ("name",)

    q = filters.CharFilter(method="search", help_text="Text in the name.")
    gender = filters.ChoiceFilter(choices=Gender.choices)

    class Meta:
        model = Person
        fields = ["q", "gender"]


class OrganizationFilterSet(StrictFilterSet):
    """Filter partner organizations by acronym or name."""

    search_fields = ("acronym", "name")

    q = filters.CharFilter(method="search", help_text="Text in the acronym or name.")

    class Meta:
        model = Organization
        fields = ["q"]


class CountryFilterSet(StrictFilterSet):
    """Filter countries by code or name."""

    search_fields = ("iso3", "iso2", "name")

    q = filters.CharFilter(method="search", help_text="Text in the ISO codes or name.")
    iso3 = filters.CharFilter(method="filter_iso3", help_text="ISO 3166-1 alpha-3.")

    class Meta:
        model = Country
        fields = ["q", "iso3"]

    def filter_iso3(self, queryset, name, value):
        return queryset.filter(iso3=value.strip().upper())


class RegionFilterSet(StrictFilterSet):
    """Filter regions by slug or name."""

    search_fields = ("slug", "name")

    q = filters.CharFilter(method="search", help_text="Text in the slug or name.")

    class Meta:
        model = Region
        fields = ["q"]
