"""Serializers of the missions app: brief forms for references, full forms for lists and writes,
and the mission detail that carries what a client needs in one call."""

from datetime import datetime
from types import SimpleNamespace

from django.db import NotSupportedError, connections
from django.db.models import CharField, Func, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_flex_fields import split_levels
from rest_framework import serializers

from config.api import FullCleanMixin
from mandates.models import AreaAttestation, Benchmark, Mandate

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
    CompiledValues,
    FlexModelSerializer,
    KeyRelatedField,
    LinkField,
    ModelSerializer,
    PartialDateField,
    link_template,
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
    "MissionDetailRows",
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
# The model fields behind PERIOD_FIELDS.
PERIOD_COLUMNS = ("start_date", "start_precision", "end_date", "end_precision", "end_unknown")
# Read as text by the mission list (UtcStampText), as `MissionRows.stamp` writes them.
STAMP_COLUMNS = ("created_at", "updated_at")
# What the brief forms show, less the url.
MISSION_BRIEF = ORGANIZATION_BRIEF = ("id", "acronym", "name")
DOCUMENT_BRIEF = ("id", "symbol", "title")
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


# -- the mission list's and detail's fast paths -------------------------------------------------


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
        *PERIOD_COLUMNS,
        "founding_document__symbol",
        "in_2013_annex",
        "in_2024_page",
        "source",
        "confidence",
        "notes",
    )
    brief_columns = ("id", "acronym", "name")

    def __init__(self, request, *, brief: bool = False):
        self.request, self.brief = request, brief
        self.today = timezone.localdate()
        self.utc = timezone.get_current_timezone_name() == "UTC"

    def values(self, queryset):
        queryset = queryset.prefetch_related(None)
        if self.brief:
            return queryset.values(*self.brief_columns, **self.stamps("updated_at"))
        looked_up = _looked_up(connections[queryset.db])
        columns = (c for c in self.columns if c not in looked_up)
        return queryset.values(*columns, **looked_up, **self.stamps())

    @staticmethod
    def stamps(*names: str) -> dict:
        """Return `.values()` keywords reading timestamps `names` (default both) as text."""
        return {f"{name}_text": UtcStampText(name) for name in names or STAMP_COLUMNS}

    def stamp(self, text: str) -> str:
        """Return a UtcStampText value as DRF writes the datetime, in the current time zone."""
        if not self.utc:
            return _iso_datetime(datetime.fromisoformat(text), utc=False)
        return text[:-8] + "Z" if text.endswith(".000000Z") else text

    @staticmethod
    def last_modified(rows: list[dict]):
        """Return the newest `updated_at` of `rows` read by `values`, or None."""
        # Fixed-width UTC text sorts as the moments do.
        newest = max((row["updated_at_text"] for row in rows), default=None)
        return datetime.fromisoformat(newest) if newest else None

    def represent(self, rows: list[dict]) -> list[dict]:
        link = self.link("mission")
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
            data = [self._row(row, link, countries.get(row["id"], [])) for row in rows]
        return self._trim(data)

    def _row(self, r: dict, link: str, countries: list) -> dict:
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
            **_period(r),
            "is_active": Mission.is_active_on(period, self.today),
            "founding_document": r["founding_document__symbol"],
            "in_2013_annex": r["in_2013_annex"],
            "in_2024_page": r["in_2024_page"],
            "source": r["source"],
            "confidence": r["confidence"],
            "notes": r["notes"],
            "created_at": self.stamp(r["created_at_text"]),
            "updated_at": self.stamp(r["updated_at_text"]),
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
        if connection.vendor == "postgresql":
            # One array parameter: one statement text (prepared once) whatever the page size.
            among, params = "= ANY(%s)", [ids]
        else:
            among, params = f"IN ({', '.join(['%s'] * len(ids))})", ids
        sql = (
            f"SELECT h.mission_id, c.iso3 FROM {quote(hosts._meta.db_table)} h"  # noqa: S608 (names are ours; ids are parameters)
            f" JOIN {quote(Country._meta.db_table)} c ON c.id = h.country_id"
            f" WHERE h.mission_id {among} ORDER BY c.name, c.id"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            for mission_id, iso3 in cursor.fetchall():
                found.setdefault(mission_id, []).append(iso3)
        return found

    def link(self, basename: str) -> str:
        """Return the URL of a `basename` detail (api:<basename>-detail) with `{}` for its pk."""
        return link_template(f"api:{basename}-detail", self.request)

    def _trim(self, data: list[dict]) -> list[dict]:
        # ?fields= and ?omit= as drf-flex-fields reads them on the top-level serializer: one
        # value is split at commas, several are taken whole; "a.b" keeps a whole, and omits
        # nothing at this level. Nested serializers see neither parameter.
        params = self.request.query_params if self.request else {}
        keep, _ = split_levels(_flex_values(params, "fields"))
        drop, drop_below = split_levels(_flex_values(params, "omit"))
        if not keep and not drop:
            return data
        return [
            {
                k: v
                for k, v in row.items()
                if (not keep or k in keep) and (k not in drop or k in drop_below)
            }
            for row in data
        ]


def _looked_up(connection) -> dict[str, RawSQL]:
    """Return the list's region slug and founding document symbol as scalar subqueries.

    Joined, they made PostgreSQL plan a filtered page's semi-join among six relations (about
    0.5 ms of planning per request on spm_api_bench); each subquery runs for the page's rows
    only. The list's own table keeps its name as its alias at the top of a query.
    """
    quote = connection.ops.quote_name
    mission = quote(Mission._meta.db_table)

    def scalar(model, column: str, key: str) -> RawSQL:
        sql = (
            f"SELECT t.{quote(column)} FROM {quote(model._meta.db_table)} t"  # noqa: S608 (names are ours)
            f" WHERE t.{quote('id')} = {mission}.{quote(key)}"
        )
        return RawSQL(sql, (), output_field=CharField())  # noqa: S611 (no outside text in it)

    return {
        "region__slug": scalar(Region, "slug", "region_id"),
        "founding_document__symbol": scalar(Document, "symbol", "founding_document_id"),
    }


class UtcStampText(Func):
    """A timestamp as fixed-width UTC text, 2026-11-22T20:01:02.123456Z, read without parsing.

    Loading a list's timestamps into aware datetimes and writing them back out as text was a
    third of the mission list's Python time (bench/api.py); the database writes the text. Only
    the two databases the registry runs on are supported.
    """

    arity = 1
    output_field = CharField()

    def as_postgresql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        template = "to_char(%s AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"
        return template % sql, params

    def as_sqlite(self, compiler, connection, **extra_context):
        # Django stores str() of the UTC moment: "YYYY-MM-DD HH:MM:SS", then ".ffffff" unless 0.
        sql, params = compiler.compile(self.source_expressions[0])
        fraction = f"CASE WHEN length({sql}) = 19 THEN '.000000' ELSE '' END"
        return f"(replace({sql}, ' ', 'T') || {fraction} || 'Z')", (*params, *params)

    def as_sql(self, compiler, connection, **extra_context):
        raise NotSupportedError(f"UtcStampText is not written for {connection.vendor}.")


def _flex_values(params, name: str) -> list[str]:
    values = params.getlist(name) or params.getlist(f"{name}[]") if params else []
    return values[0].split(",") if len(values) == 1 else values


def _period(r: dict) -> dict:
    """Return PERIOD_FIELDS from a `.values()` row with PERIOD_COLUMNS."""
    return {
        "start": format_partial_date(r["start_date"], r["start_precision"]) or None,
        "start_date": _iso(r["start_date"]),
        "start_precision": r["start_precision"],
        "end": format_partial_date(r["end_date"], r["end_precision"]) or None,
        "end_date": _iso(r["end_date"]),
        "end_precision": r["end_precision"],
        "end_unknown": r["end_unknown"],
    }


def _iso(day):
    return day.isoformat() if day else None


def _iso_datetime(moment, utc: bool = True):
    # As DRF writes it: in the current time zone, with Z for UTC (the database gives UTC).
    if not utc:
        moment = timezone.localtime(moment)
    text = moment.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _prefixed(prefix: str, names: tuple[str, ...]) -> list[str]:
    return [prefix + name for name in names]


def _of_mission(model, lookup: str, ordering: tuple, *columns: str, **expressions):
    """Return the query of `columns` (and `expressions`) of the `model` rows whose `lookup` is
    a mission's pk."""
    return CompiledValues(
        lambda pk: (
            model.objects.filter(**{lookup: pk}).order_by(*ordering).values(*columns, **expressions)
        )
    )


class MissionDetailRows(MissionRows):
    """Build MissionDetailSerializer's form of one mission from `.values()` rows.

    A mission page is nine small queries, each written once per connection (CompiledValues):
    the ORM's compiling and DRF's nested serializers were most of its time. The serializer
    still documents the form (OpenAPI); tests/api/test_lists.py checks that both agree.
    """

    MISSION = _of_mission(
        Mission,
        "pk",
        (),
        *MissionRows.columns,
        "updated_at",  # for last_modified, beside the related rows' own
        "cluster__name",
        "region__id",
        "region__name",
        "founding_document__id",
        "founding_document__title",
        "envoy__mission",
        "envoy__seat",
        *_prefixed("envoy__joint_with__", ORGANIZATION_BRIEF),
        "sanctions_panel__mission",
        "sanctions_panel__committee",
        *_prefixed("sanctions_panel__regime_document__", DOCUMENT_BRIEF),
        "sanctions_panel__experts",
        "sanctions_panel__expertise",
        "sanctions_panel__panel_base",
        **MissionRows.stamps(),
    )
    HOSTS = _of_mission(Country, "missions", ("name", "pk"), "id", "iso3", "name")
    MANDATES = _of_mission(
        Mandate,
        "mission",
        ("start_date", "pk"),
        "id",
        *PERIOD_COLUMNS,
        *_prefixed("document__", DOCUMENT_BRIEF),
        "completeness",
        "source",
        "updated_at",
    )
    MANDATE_AREAS = _of_mission(
        Mandate.mandate_areas.through,
        "mandate__mission",
        ("mandatearea__name", "mandatearea__pk"),
        "mandate",
        *_prefixed("mandatearea__", ("id", "slug", "name")),
    )
    # Both ways at once, in the order of either list: (date, pk).
    TRANSITIONS = CompiledValues(
        lambda pk: (
            Transition.objects.filter(Q(predecessor=pk) | Q(successor=pk))
            .order_by("date", "pk")
            .values(
                "id",
                *_prefixed("predecessor__", MISSION_BRIEF),
                *_prefixed("successor__", MISSION_BRIEF),
                "date",
                "date_precision",
                "kind",
                "country__iso3",
                "document__symbol",
                "source",
                "updated_at",
            )
        )
    )
    HEADS = _of_mission(
        Appointment,
        "mission",
        ("start_date", "pk"),
        *("id", "person__id", "person__name", "title", *PERIOD_COLUMNS, "source", "updated_at"),
    )
    PARTNERS = _of_mission(
        Partnership,
        "mission",
        ("start_date", "pk"),
        "id",
        *_prefixed("organization__", ORGANIZATION_BRIEF),
        "kind",
        *PERIOD_COLUMNS,
        "source",
        "updated_at",
    )
    # Their own orderings, less the mission's acronym (one mission here).
    ATTESTATIONS = _of_mission(
        AreaAttestation,
        "mission",
        ("mandate_area__slug", "from_year"),
        *("mandate_area__slug", "from_year", "to_year", "source", "confidence"),
    )
    BENCHMARKS = _of_mission(
        Benchmark,
        "mission",
        ("adopted_date", "pk"),
        *("id", "text", "adopted_date", "document__symbol", "source", "updated_at"),
    )

    last_modified = None

    def get(self, pk: int) -> dict | None:
        """Return the detail of mission `pk` (None if there is none); set `last_modified`."""
        found = self.MISSION(pk)
        if not found:
            return None
        r = found[0]
        mandates, transitions = self.MANDATES(pk), self.TRANSITIONS(pk)
        heads, partners, benchmarks = self.HEADS(pk), self.PARTNERS(pk), self.BENCHMARKS(pk)
        # As RegistryMixin.last_modified_of: the mission and the dated rows its page shows.
        self.last_modified = max(
            row["updated_at"]
            for row in (r, *mandates, *transitions, *heads, *partners, *benchmarks)
        )
        countries = [
            self._ref("country", c["id"], iso3=c["iso3"], name=c["name"]) for c in self.HOSTS(pk)
        ]
        listed = self._row(r, self.link("mission"), countries)
        data = {key: listed[key] for key in ("id", "url", "acronym", "name", "cluster")}
        data["cluster_name"] = r["cluster__name"]
        data.update(listed)
        data["region"] = self._ref(
            "region", r["region__id"], slug=r["region__slug"], name=r["region__name"]
        )
        data["founding_document"] = self._document(r, "founding_document__")
        data["envoy"] = self._envoy(r)
        data["sanctions_panel"] = self._sanctions_panel(r)
        areas = self._mandate_areas(pk)
        data["current_mandate_areas"] = self._current_areas(mandates, areas)
        data["mandates"] = [self._mandate(m, areas.get(m["id"], [])) for m in mandates]
        data["transitions_in"] = [
            self._transition(t, "predecessor") for t in transitions if t["successor__id"] == pk
        ]
        data["transitions_out"] = [
            self._transition(t, "successor") for t in transitions if t["predecessor__id"] == pk
        ]
        data["heads"] = [self._head(a) for a in heads]
        data["partners"] = [self._partner(p) for p in partners]
        data["area_attestations"] = [
            {"mandate_area": a.pop("mandate_area__slug"), **a} for a in self.ATTESTATIONS(pk)
        ]
        data["benchmarks"] = [self._benchmark(b) for b in benchmarks]
        data["sources"] = Mission.source_list.fget(SimpleNamespace(source=r["source"]))
        return self._trim([data])[0]

    def _ref(self, basename: str, pk, **fields) -> dict | None:
        """Return the brief form of a `basename` row (its id, url and `fields`), or None."""
        if pk is None:
            return None
        return {"id": pk, "url": self.link(basename).format(pk), **fields}

    def _document(self, r: dict, prefix: str) -> dict | None:
        return self._ref(
            "document", r[f"{prefix}id"], symbol=r[f"{prefix}symbol"], title=r[f"{prefix}title"]
        )

    def _envoy(self, r: dict) -> dict | None:
        if r["envoy__mission"] is None:
            return None
        joint_with = self._ref(
            "organization",
            r["envoy__joint_with__id"],
            acronym=r["envoy__joint_with__acronym"],
            name=r["envoy__joint_with__name"],
        )
        return {"seat": r["envoy__seat"], "joint_with": joint_with}

    def _sanctions_panel(self, r: dict) -> dict | None:
        if r["sanctions_panel__mission"] is None:
            return None
        return {
            "committee": r["sanctions_panel__committee"],
            "regime_document": self._document(r, "sanctions_panel__regime_document__"),
            "experts": r["sanctions_panel__experts"],
            # A list of strings, as serializers.ListField(child=CharField()) writes it.
            "expertise": [
                None if item is None else str(item) for item in r["sanctions_panel__expertise"]
            ],
            "panel_base": r["sanctions_panel__panel_base"],
        }

    def _mandate_areas(self, pk: int) -> dict[int, list[dict]]:
        """Return the areas of each mandate of mission `pk`, by name as MandateArea orders them."""
        areas: dict[int, list[dict]] = {}
        for row in self.MANDATE_AREAS(pk):
            area = self._ref(
                "mandate-area",
                row["mandatearea__id"],
                slug=row["mandatearea__slug"],
                name=row["mandatearea__name"],
            )
            areas.setdefault(row["mandate"], []).append(area)
        return areas

    def _current_areas(self, mandates: list[dict], areas: dict) -> list[dict] | None:
        # CurrentAreasMixin's rule, on rows.
        in_force = [m for m in mandates if Mandate.is_active_on(SimpleNamespace(**m), self.today)]
        if not in_force:
            return None
        held = {area["id"]: area for m in in_force for area in areas.get(m["id"], [])}
        return sorted(held.values(), key=lambda area: (area["name"], area["id"]))

    def _mandate(self, m: dict, areas: list[dict]) -> dict:
        return {
            "id": m["id"],
            "url": self.link("mandate").format(m["id"]),
            **_period(m),
            "document": self._document(m, "document__"),
            "completeness": m["completeness"],
            "mandate_areas": areas,
            "source": m["source"],
        }

    def _transition(self, t: dict, other: str) -> dict:
        return {
            "id": t["id"],
            "url": self.link("transition").format(t["id"]),
            other: self._ref(
                "mission",
                t[f"{other}__id"],
                acronym=t[f"{other}__acronym"],
                name=t[f"{other}__name"],
            ),
            "date": format_partial_date(t["date"], t["date_precision"]) or None,
            "kind": t["kind"],
            "country": t["country__iso3"],
            "document": t["document__symbol"],
            "source": t["source"],
        }

    def _head(self, a: dict) -> dict:
        return {
            "id": a["id"],
            "url": self.link("appointment").format(a["id"]),
            "person": self._ref("person", a["person__id"], name=a["person__name"]),
            "title": a["title"],
            **_period(a),
            "source": a["source"],
        }

    def _partner(self, p: dict) -> dict:
        organization = self._ref(
            "organization",
            p["organization__id"],
            acronym=p["organization__acronym"],
            name=p["organization__name"],
        )
        return {
            "id": p["id"],
            "organization": organization,
            "kind": p["kind"],
            **_period(p),
            "source": p["source"],
        }

    def _benchmark(self, b: dict) -> dict:
        return {
            "id": b["id"],
            "text": b["text"],
            "adopted_date": _iso(b["adopted_date"]),
            "document": b["document__symbol"],
            "source": b["source"],
        }


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
