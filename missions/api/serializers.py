"""Serializers of the missions app: brief forms for references, full forms for lists and writes,
and the mission detail that carries what a client needs in one call."""

from types import SimpleNamespace

from django.db import connections
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from config.api import FullCleanMixin
from mandates.models import Mandate

from ..choices import TransitionKind
from ..dates import format_partial_date
from ..models import (
    Appointment,
    Cluster,
    Country,
    Document,
    Mission,
    Organization,
    Partnership,
    Person,
    Region,
    Transition,
)
from .base import (
    BriefRelatedField,
    FlexModelSerializer,
    KeyRelatedField,
    LinkField,
    ModelSerializer,
    PartialDateField,
)

__all__ = [
    "AppointmentSerializer",
    "ClusterSerializer",
    "CountrySerializer",
    "DocumentSerializer",
    "EnvoySerializer",
    "FieldMissionSerializer",
    "MissionBriefSerializer",
    "MissionCloseSerializer",
    "MissionDetailSerializer",
    "MissionRows",
    "MissionSerializer",
    "OrganizationSerializer",
    "PersonSerializer",
    "RegionSerializer",
    "SanctionsPanelSerializer",
    "TransitionSerializer",
]

PERIOD_FIELDS = [
    "start",
    "start_date",
    "start_precision",
    "end",
    "end_date",
    "end_precision",
    "end_unknown",
]
PERIOD_READ_ONLY = ["start_date", "start_precision", "end_date", "end_precision"]
SOURCED_FIELDS = ["source", "confidence", "notes"]


class PeriodMixin(serializers.Serializer):
    """Write a period as `start`/`end` at their precision; read the widened dates beside them."""

    start = PartialDateField("start_date", "start")
    end = PartialDateField("end_date", "end")


class RegistrySerializer(FullCleanMixin, FlexModelSerializer):
    """A registry model, validated by its full_clean() and trimmed by `?fields=`/`?omit=`."""


# -- brief forms (nested references) ------------------------------------------------------------


class MissionBriefSerializer(FlexModelSerializer):
    url = LinkField(view_name="api:mission-detail")

    class Meta:
        model = Mission
        fields = ["id", "url", "acronym", "name"]


class DocumentBriefSerializer(FlexModelSerializer):
    url = LinkField(view_name="api:document-detail")

    class Meta:
        model = Document
        fields = ["id", "url", "symbol", "title"]


class PersonBriefSerializer(FlexModelSerializer):
    url = LinkField(view_name="api:person-detail")

    class Meta:
        model = Person
        fields = ["id", "url", "name"]


class OrganizationBriefSerializer(FlexModelSerializer):
    url = LinkField(view_name="api:organization-detail")

    class Meta:
        model = Organization
        fields = ["id", "url", "acronym", "name"]


class CountryBriefSerializer(FlexModelSerializer):
    url = LinkField(view_name="api:country-detail")

    class Meta:
        model = Country
        fields = ["id", "url", "iso3", "name"]


class RegionBriefSerializer(FlexModelSerializer):
    url = LinkField(view_name="api:region-detail")

    class Meta:
        model = Region
        fields = ["id", "url", "slug", "name"]


class TransitionBriefSerializer(FlexModelSerializer):
    url = LinkField(view_name="api:transition-detail")
    date = PartialDateField("date", "start", read_only=True)

    class Meta:
        model = Transition
        fields = ["id", "url", "date", "kind"]


class AppointmentBriefSerializer(PeriodMixin, FlexModelSerializer):
    url = LinkField(view_name="api:appointment-detail")

    class Meta:
        model = Appointment
        fields = ["id", "url", "title", "start", "end"]


# -- vocabularies and documents -----------------------------------------------------------------


class ClusterSerializer(ModelSerializer):
    class Meta:
        model = Cluster
        fields = ["slug", "numeral", "name"]


class RegionSerializer(RegionBriefSerializer):
    """A region is all brief: slug and name."""


class CountrySerializer(FlexModelSerializer):
    url = LinkField(view_name="api:country-detail")

    class Meta:
        model = Country
        fields = ["id", "url", "iso3", "iso2", "name"]


class DocumentSerializer(RegistrySerializer):
    url = LinkField(view_name="api:document-detail")
    date = PartialDateField("date", "start")
    library_url = serializers.URLField(read_only=True)
    ods_url = serializers.URLField(read_only=True)

    class Meta:
        model = Document
        fields = [
            "id",
            "url",
            "symbol",
            "kind",
            "body",
            "date",
            "date_precision",
            "year",
            "title",
            "library_url",
            "ods_url",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["date_precision"]


class OrganizationSerializer(RegistrySerializer):
    url = LinkField(view_name="api:organization-detail")

    class Meta:
        model = Organization
        fields = ["id", "url", "acronym", "name", "created_at", "updated_at"]


class PersonSerializer(RegistrySerializer):
    url = LinkField(view_name="api:person-detail")

    class Meta:
        model = Person
        fields = ["id", "url", "name", "gender", "created_at", "updated_at"]


# -- people and transitions ---------------------------------------------------------------------


class AppointmentSerializer(PeriodMixin, RegistrySerializer):
    url = LinkField(view_name="api:appointment-detail")
    mission = BriefRelatedField(MissionBriefSerializer, "acronym", queryset=Mission.objects.all())
    person = BriefRelatedField(PersonBriefSerializer, "name", queryset=Person.objects.all())

    class Meta:
        model = Appointment
        fields = [
            "id",
            "url",
            "mission",
            "person",
            "title",
            *PERIOD_FIELDS,
            *SOURCED_FIELDS,
            "created_at",
            "updated_at",
        ]
        read_only_fields = PERIOD_READ_ONLY


class TransitionSerializer(RegistrySerializer):
    url = LinkField(view_name="api:transition-detail")
    predecessor = BriefRelatedField(
        MissionBriefSerializer, "acronym", queryset=Mission.objects.all()
    )
    successor = BriefRelatedField(MissionBriefSerializer, "acronym", queryset=Mission.objects.all())
    date = PartialDateField("date", "start", allow_null=False, required=True)
    country = KeyRelatedField(
        slug_field="iso3", queryset=Country.objects.all(), allow_null=True, required=False
    )
    document = KeyRelatedField(
        slug_field="symbol", queryset=Document.objects.all(), allow_null=True, required=False
    )

    class Meta:
        model = Transition
        fields = [
            "id",
            "url",
            "predecessor",
            "successor",
            "date",
            "date_precision",
            "kind",
            "country",
            "document",
            *SOURCED_FIELDS,
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["date_precision"]


# -- missions -----------------------------------------------------------------------------------


class MissionSerializer(PeriodMixin, RegistrySerializer):
    """A mission's own fields: the list form, and the body of a write."""

    url = LinkField(view_name="api:mission-detail")
    cluster = KeyRelatedField(slug_field="slug", queryset=Cluster.objects.all())
    region = KeyRelatedField(
        slug_field="slug", queryset=Region.objects.all(), allow_null=True, required=False
    )
    host_countries = KeyRelatedField(
        slug_field="iso3", queryset=Country.objects.all(), many=True, required=False
    )
    founding_document = KeyRelatedField(
        slug_field="symbol", queryset=Document.objects.all(), allow_null=True, required=False
    )
    is_active = serializers.SerializerMethodField(help_text="In force today.")

    class Meta:
        model = Mission
        fields = [
            "id",
            "url",
            "acronym",
            "name",
            "cluster",
            "kind",
            "category",
            "mandating_body",
            "region",
            "host_countries",
            "base",
            *PERIOD_FIELDS,
            "is_active",
            "founding_document",
            "in_2013_annex",
            "in_2024_page",
            *SOURCED_FIELDS,
            "created_at",
            "updated_at",
        ]
        read_only_fields = PERIOD_READ_ONLY

    def get_is_active(self, mission) -> bool:
        return mission.is_active_on(timezone.localdate())


class MandateAreaRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = LinkField(view_name="api:mandate-area-detail")
    slug = serializers.SlugField()
    name = serializers.CharField()


class CurrentAreasMixin(serializers.Serializer):
    current_mandate_areas = serializers.SerializerMethodField(
        help_text="Areas of the mandates in force today; null when no mandate in force is "
        "recorded (unknown), an empty list when the recorded mandate holds none."
    )

    @extend_schema_field(MandateAreaRefSerializer(many=True, allow_null=True))
    def get_current_mandate_areas(self, mission):
        today = timezone.localdate()
        in_force = [m for m in mission.mandates.all() if m.is_active_on(today)]
        if not in_force:
            return None
        # On a handover day two mandates are in force: the mission holds what either gives.
        areas = {area.pk: area for m in in_force for area in m.mandate_areas.all()}
        ordered = sorted(areas.values(), key=lambda area: (area.name, area.pk))
        return MandateAreaRefSerializer(ordered, many=True, context=self.context).data


class MissionMandateSerializer(PeriodMixin, ModelSerializer):
    url = LinkField(view_name="api:mandate-detail")
    document = DocumentBriefSerializer(read_only=True, allow_null=True)
    mandate_areas = MandateAreaRefSerializer(many=True, read_only=True)

    class Meta:
        model = Mandate
        fields = [
            "id",
            "url",
            *PERIOD_FIELDS,
            "document",
            "completeness",
            "mandate_areas",
            "source",
        ]


class TransitionInSerializer(ModelSerializer):
    url = LinkField(view_name="api:transition-detail")
    predecessor = MissionBriefSerializer(read_only=True)
    date = PartialDateField("date", "start", read_only=True)
    country = serializers.SlugRelatedField(slug_field="iso3", read_only=True, allow_null=True)
    document = serializers.SlugRelatedField(slug_field="symbol", read_only=True, allow_null=True)

    class Meta:
        model = Transition
        fields = ["id", "url", "predecessor", "date", "kind", "country", "document", "source"]


class TransitionOutSerializer(TransitionInSerializer):
    successor = MissionBriefSerializer(read_only=True)

    class Meta(TransitionInSerializer.Meta):
        fields = ["id", "url", "successor", "date", "kind", "country", "document", "source"]


class HeadSerializer(PeriodMixin, ModelSerializer):
    url = LinkField(view_name="api:appointment-detail")
    person = PersonBriefSerializer(read_only=True)

    class Meta:
        model = Appointment
        fields = ["id", "url", "person", "title", *PERIOD_FIELDS, "source"]


class PartnerSerializer(PeriodMixin, ModelSerializer):
    organization = OrganizationBriefSerializer(read_only=True)

    class Meta:
        model = Partnership
        fields = ["id", "organization", "kind", *PERIOD_FIELDS, "source"]


class AttestationSerializer(serializers.Serializer):
    mandate_area = serializers.CharField(source="mandate_area.slug")
    from_year = serializers.IntegerField(allow_null=True)
    to_year = serializers.IntegerField(allow_null=True)
    source = serializers.CharField()
    confidence = serializers.CharField()


class BenchmarkSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    adopted_date = serializers.DateField(allow_null=True)
    document = serializers.CharField(source="document.symbol", allow_null=True)
    source = serializers.CharField()


class EnvoyProfileSerializer(serializers.Serializer):
    seat = serializers.CharField()
    joint_with = OrganizationBriefSerializer(allow_null=True)


class SanctionsPanelProfileSerializer(serializers.Serializer):
    committee = serializers.CharField()
    regime_document = DocumentBriefSerializer(allow_null=True)
    experts = serializers.IntegerField(allow_null=True)
    expertise = serializers.ListField(child=serializers.CharField())
    panel_base = serializers.CharField()


class MissionDetailSerializer(CurrentAreasMixin, MissionSerializer):
    """A mission with its mandates, transitions, heads, partners and sources: one call."""

    region = RegionBriefSerializer(read_only=True, allow_null=True)
    host_countries = CountryBriefSerializer(many=True, read_only=True)
    founding_document = DocumentBriefSerializer(read_only=True, allow_null=True)
    cluster_name = serializers.CharField(source="cluster.name", read_only=True)
    envoy = EnvoyProfileSerializer(read_only=True, allow_null=True)
    sanctions_panel = SanctionsPanelProfileSerializer(read_only=True, allow_null=True)
    mandates = MissionMandateSerializer(many=True, read_only=True)
    transitions_in = TransitionInSerializer(many=True, read_only=True)
    transitions_out = TransitionOutSerializer(many=True, read_only=True)
    heads = HeadSerializer(source="appointments", many=True, read_only=True)
    partners = PartnerSerializer(source="partnerships", many=True, read_only=True)
    area_attestations = AttestationSerializer(many=True, read_only=True)
    benchmarks = BenchmarkSerializer(many=True, read_only=True)
    sources = serializers.ListField(
        source="source_list", child=serializers.CharField(), read_only=True
    )

    class Meta(MissionSerializer.Meta):
        fields = [
            *MissionSerializer.Meta.fields[:5],
            "cluster_name",
            *MissionSerializer.Meta.fields[5:],
            "envoy",
            "sanctions_panel",
            "current_mandate_areas",
            "mandates",
            "transitions_in",
            "transitions_out",
            "heads",
            "partners",
            "area_attestations",
            "benchmarks",
            "sources",
        ]


class MissionCloseSerializer(serializers.Serializer):
    """What closing a mission takes (missions.services.mission_close)."""

    end = PartialDateField("end_date", "end", allow_null=False, required=True)
    successor = BriefRelatedField(
        MissionBriefSerializer,
        "acronym",
        queryset=Mission.objects.all(),
        required=False,
        allow_null=True,
        help_text="The mission that took over, if any: a transition is recorded.",
    )
    transition_kind = serializers.ChoiceField(
        choices=TransitionKind.choices, default=TransitionKind.SPM_TO_SPM
    )
    transition_date = PartialDateField(
        "transition_date", "start", help_text="Default: the day after the end."
    )
    document = serializers.CharField(required=False, allow_blank=True, help_text="UN symbol.")
    source = serializers.CharField(required=False, allow_blank=True)


# -- the mission list's fast path ---------------------------------------------------------------


class MissionRows:
    """Build the list form of MissionSerializer (or the brief form) from `.values()` rows.

    The mission list is the API's hot path (bench/api.py): model instances and DRF's per-field
    machinery cost several times the query itself. tests/api/test_lists.py checks that both
    ways give the same rows.
    """

    columns = (
        "id",
        "acronym",
        "name",
        "cluster__slug",
        "kind",
        "category",
        "mandating_body",
        "region__slug",
        "base",
        "start_date",
        "start_precision",
        "end_date",
        "end_precision",
        "end_unknown",
        "founding_document__symbol",
        "in_2013_annex",
        "in_2024_page",
        "source",
        "confidence",
        "notes",
        "created_at",
        "updated_at",
    )
    brief_columns = ("id", "acronym", "name", "updated_at")

    def __init__(self, request, *, brief: bool = False):
        self.request, self.brief = request, brief

    def values(self, queryset):
        return queryset.prefetch_related(None).values(
            *(self.brief_columns if self.brief else self.columns)
        )

    def represent(self, rows: list[dict]) -> list[dict]:
        link = self._link_template()
        if self.brief:
            data = [
                {
                    "id": r["id"],
                    "url": link.format(r["id"]),
                    "acronym": r["acronym"],
                    "name": r["name"],
                }
                for r in rows
            ]
        else:
            countries = self._countries([row["id"] for row in rows])
            today = timezone.localdate()
            self.utc = timezone.get_current_timezone_name() == "UTC"
            data = [self._row(row, link, countries.get(row["id"], []), today) for row in rows]
        return self._trim(data)

    def _row(self, r: dict, link: str, countries: list, today) -> dict:
        # is_active asks the model's own rule, so the date logic lives in one place.
        period = SimpleNamespace(
            start_date=r["start_date"], end_date=r["end_date"], end_unknown=r["end_unknown"]
        )
        return {
            "id": r["id"],
            "url": link.format(r["id"]),
            "acronym": r["acronym"],
            "name": r["name"],
            "cluster": r["cluster__slug"],
            "kind": r["kind"],
            "category": r["category"],
            "mandating_body": r["mandating_body"],
            "region": r["region__slug"],
            "host_countries": countries,
            "base": r["base"],
            "start": format_partial_date(r["start_date"], r["start_precision"]) or None,
            "start_date": _iso(r["start_date"]),
            "start_precision": r["start_precision"],
            "end": format_partial_date(r["end_date"], r["end_precision"]) or None,
            "end_date": _iso(r["end_date"]),
            "end_precision": r["end_precision"],
            "end_unknown": r["end_unknown"],
            "is_active": Mission.is_active_on(period, today),
            "founding_document": r["founding_document__symbol"],
            "in_2013_annex": r["in_2013_annex"],
            "in_2024_page": r["in_2024_page"],
            "source": r["source"],
            "confidence": r["confidence"],
            "notes": r["notes"],
            "created_at": _iso_datetime(r["created_at"], self.utc),
            "updated_at": _iso_datetime(r["updated_at"], self.utc),
        }

    def _countries(self, ids: list[int]) -> dict[int, list[str]]:
        # In the order the serializer gives them: Country's own ordering, by name. Plain SQL, as
        # the ORM spent more building this one-join query with 100 ids than the database did
        # answering it.
        found: dict[int, list[str]] = {}
        if not ids:
            return found
        hosts = Mission.host_countries.through
        connection = connections[hosts.objects.db]
        quote = connection.ops.quote_name
        sql = (
            f"SELECT h.mission_id, c.iso3 FROM {quote(hosts._meta.db_table)} h"  # noqa: S608 (names are ours; ids are parameters)
            f" JOIN {quote(Country._meta.db_table)} c ON c.id = h.country_id"
            f" WHERE h.mission_id IN ({', '.join(['%s'] * len(ids))}) ORDER BY c.name, c.id"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, ids)
            for mission_id, iso3 in cursor.fetchall():
                found.setdefault(mission_id, []).append(iso3)
        return found

    def _link_template(self) -> str:
        sentinel = 987654321
        path = reverse("api:mission-detail", kwargs={"pk": sentinel})
        root = self.request.build_absolute_uri("/")[:-1] if self.request else ""
        return root + path.replace(str(sentinel), "{}")

    def _trim(self, data: list[dict]) -> list[dict]:
        params = self.request.query_params if self.request else {}
        keep = {f for value in params.getlist("fields") for f in value.split(",") if f}
        drop = {f for value in params.getlist("omit") for f in value.split(",") if f}
        if not keep and not drop:
            return data
        return [
            {k: v for k, v in row.items() if (not keep or k in keep) and k not in drop}
            for row in data
        ]


def _iso(day):
    return day.isoformat() if day else None


def _iso_datetime(moment, utc: bool = True):
    # As DRF writes it: in the current time zone, with Z for UTC (the database gives UTC).
    if not utc:
        moment = timezone.localtime(moment)
    text = moment.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


# -- the clusters' own views of missions --------------------------------------------------------


class FieldMissionSerializer(CurrentAreasMixin, MissionSerializer):
    url = LinkField(view_name="api:field-mission-detail")

    class Meta(MissionSerializer.Meta):
        fields = [*MissionSerializer.Meta.fields, "current_mandate_areas"]


class EnvoySerializer(MissionSerializer):
    url = LinkField(view_name="api:envoy-detail")
    seat = serializers.CharField(source="envoy.seat", read_only=True, allow_null=True)
    joint_with = serializers.CharField(
        source="envoy.joint_with.acronym", read_only=True, allow_null=True
    )

    class Meta(MissionSerializer.Meta):
        fields = [*MissionSerializer.Meta.fields, "seat", "joint_with"]


class SanctionsPanelSerializer(MissionSerializer):
    url = LinkField(view_name="api:sanctions-panel-detail")
    committee = serializers.CharField(
        source="sanctions_panel.committee", read_only=True, allow_null=True
    )
    regime_document = serializers.CharField(
        source="sanctions_panel.regime_document.symbol", read_only=True, allow_null=True
    )
    experts = serializers.IntegerField(
        source="sanctions_panel.experts", read_only=True, allow_null=True
    )
    expertise = serializers.ListField(
        source="sanctions_panel.expertise",
        child=serializers.CharField(),
        read_only=True,
        allow_null=True,
    )
    panel_base = serializers.CharField(
        source="sanctions_panel.panel_base", read_only=True, allow_null=True
    )

    class Meta(MissionSerializer.Meta):
        fields = [
            *MissionSerializer.Meta.fields,
            "committee",
            "regime_document",
            "experts",
            "expertise",
            "panel_base",
        ]
