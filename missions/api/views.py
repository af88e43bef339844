"""Endpoints of the missions app under /api/v1/ (thin: queryset, serializers, filterset)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from mandates.models import AreaAttestation, Benchmark, Mandate, MandateArea

from ..models import (
    Appointment,
    Country,
    Document,
    Mission,
    Organization,
    Partnership,
    Person,
    Region,
    Transition,
)
from ..services import document_get_or_create, mission_close
from . import serializers as s
from .base import (
    ClosePermission,
    ReadOnlyRegistryViewSet,
    RegistryViewSet,
    raise_as_api_errors,
)
from .filters import (
    AppointmentFilterSet,
    CountryFilterSet,
    DocumentFilterSet,
    MissionFilterSet,
    OrganizationFilterSet,
    PersonFilterSet,
    RegionFilterSet,
    TransitionFilterSet,
)
from .serializers import PERIOD_COLUMNS, MissionDetailRows, MissionRows

MISSIONS = Mission.objects.select_related(
    "cluster", "region", "founding_document"
).prefetch_related("host_countries")
MANDATES_WITH_AREAS = Prefetch(
    "mandates",
    queryset=Mandate.objects.select_related("document")
    .prefetch_related("mandate_areas")
    .order_by("start_date", "pk"),
)
# The detail reads only the columns its serializers show (and updated_at, for Last-Modified):
# a mission page is about ten queries, and building rows nobody reads was half their cost.
# A GET reads rows instead (MissionDetailRows); writes and ?brief=1 read these.
MISSION_DETAIL = (
    MISSIONS.select_related("envoy__joint_with", "sanctions_panel__regime_document")
    .defer("search_document")
    .prefetch_related(
        Prefetch(
            "mandates",
            queryset=Mandate.objects.select_related("document")
            .only(
                "mission",
                *PERIOD_COLUMNS,
                "completeness",
                "source",
                "updated_at",
                "document__symbol",
                "document__title",
            )
            .prefetch_related(
                Prefetch("mandate_areas", queryset=MandateArea.objects.only("slug", "name"))
            )
            .order_by("start_date", "pk"),
        ),
        Prefetch(
            "transitions_in",
            queryset=Transition.objects.select_related("predecessor", "country", "document").only(
                "successor",
                "date",
                "date_precision",
                "kind",
                "source",
                "updated_at",
                "predecessor__acronym",
                "predecessor__name",
                "country__iso3",
                "document__symbol",
            ),
        ),
        Prefetch(
            "transitions_out",
            queryset=Transition.objects.select_related("successor", "country", "document").only(
                "predecessor",
                "date",
                "date_precision",
                "kind",
                "source",
                "updated_at",
                "successor__acronym",
                "successor__name",
                "country__iso3",
                "document__symbol",
            ),
        ),
        Prefetch(
            "appointments",
            queryset=Appointment.objects.select_related("person")
            .only("mission", "title", *PERIOD_COLUMNS, "source", "updated_at", "person__name")
            .order_by("start_date", "pk"),
        ),
        Prefetch(
            "partnerships",
            queryset=Partnership.objects.select_related("organization")
            .only(
                "mission",
                "kind",
                *PERIOD_COLUMNS,
                "source",
                "updated_at",
                "organization__acronym",
                "organization__name",
            )
            .order_by("start_date", "pk"),
        ),
        # One query each, not one for the rows and one for what they name.
        Prefetch(
            "area_attestations", queryset=AreaAttestation.objects.select_related("mandate_area")
        ),
        Prefetch("benchmarks", queryset=Benchmark.objects.select_related("document")),
    )
)


class ChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    old = serializers.JSONField(allow_null=True)
    new = serializers.JSONField(allow_null=True)


class HistoryRecordSerializer(serializers.Serializer):
    """One saved version of a mission, with what changed from the version before."""

    history_id = serializers.IntegerField()
    history_date = serializers.DateTimeField()
    history_type = serializers.SerializerMethodField()
    user = serializers.SerializerMethodField(help_text="The editor; shown to staff only.")
    change_reason = serializers.CharField(source="history_change_reason", allow_null=True)
    acronym = serializers.CharField()
    name = serializers.CharField()
    changes = ChangeSerializer(many=True, source="api_changes")

    TYPES = {"+": "created", "~": "changed", "-": "deleted"}

    def get_history_type(self, record) -> str:
        return self.TYPES.get(record.history_type, record.history_type)

    def get_user(self, record) -> str | None:
        viewer = getattr(self.context.get("request"), "user", None)
        if viewer is None or not viewer.is_staff or record.history_user is None:
            return None
        return record.history_user.get_username()


class HistoryPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = HistoryRecordSerializer(many=True)


class MissionViewSet(RegistryViewSet):
    """Missions of every cluster, and other UN presences they transition with."""

    queryset = MISSIONS
    detail_queryset = MISSION_DETAIL
    serializer_class = s.MissionSerializer
    detail_serializer_class = s.MissionDetailSerializer
    brief_serializer_class = s.MissionBriefSerializer
    filterset_class = MissionFilterSet
    # A filtered page is read by its keys (config.api.LimitOffsetPagination).
    page_by_keys = True

    def list_rows(self, queryset):
        return MissionRows(self.request, brief=self._brief()).values(queryset)

    def represent(self, rows):
        return MissionRows(self.request, brief=self._brief()).represent(rows)

    def last_modified_of(self, rows):
        if rows and isinstance(rows[0], dict):  # a list page, read by list_rows
            return MissionRows.last_modified(rows)
        return super().last_modified_of(rows)

    def retrieve(self, request, *args, **kwargs):
        if self._brief():
            return super().retrieve(request, *args, **kwargs)
        # No object permission to check: this viewset's permissions are per model.
        rows = MissionDetailRows(request)
        data = rows.get(self._requested_pk())
        if data is None:
            raise Http404
        self._last_modified = rows.last_modified
        return Response(data)

    def _requested_pk(self) -> int:
        # As get_object reads it: any text int() takes; nothing matches beyond 64 bits.
        try:
            pk = int(self.kwargs[self.lookup_url_kwarg or self.lookup_field])
        except (TypeError, ValueError):
            raise Http404 from None
        if not -(2**63) <= pk < 2**63:
            raise Http404
        return pk

    def detail_data(self, instance):
        return MissionDetailRows(self.request).get(instance.pk)

    def get_queryset(self):
        # The list reads `.values()` (list_rows): no related rows to join or prefetch, and
        # each of its queryset's clones no longer copies them.
        if self.action in ("history", "list"):
            return Mission.objects.all()
        return super().get_queryset()

    def related_for_last_modified(self, mission):
        return [
            *mission.mandates.all(),
            *mission.transitions_in.all(),
            *mission.transitions_out.all(),
            *mission.appointments.all(),
            *mission.partnerships.all(),
            *mission.benchmarks.all(),
        ]

    @extend_schema(request=s.MissionCloseSerializer, responses=s.MissionDetailSerializer)
    @action(detail=True, methods=["post"], permission_classes=[ClosePermission])
    def close(self, request, pk=None):
        """End the mission, end what is still open with it, and record its successor."""
        form = s.MissionCloseSerializer(data=request.data, context=self.get_serializer_context())
        form.is_valid(raise_exception=True)
        data = dict(form.validated_data)
        if data.get("transition_date") is None:
            data.pop("transition_date", None)
            data.pop("transition_precision", None)
        symbol = data.pop("document", "").strip()
        with transaction.atomic():
            self.lock(self.get_object())
            mission = self.get_object()
            self.check_if_match(mission)
            try:
                mission_close(
                    mission=mission,
                    transition_to=data.pop("successor", None),
                    document=document_get_or_create(symbol=symbol) if symbol else None,
                    **data,
                )
            except DjangoValidationError as exc:
                raise_as_api_errors(exc, {"end_date": "end", "date": "transition_date"})
        return self._written(mission, 200)

    def allowed_query_parameters(self):
        allowed = super().allowed_query_parameters()
        if self.action == "history":
            allowed = {
                "format",
                self.paginator.limit_query_param,
                self.paginator.offset_query_param,
            }
        return allowed

    @extend_schema(
        responses=HistoryPageSerializer,
        parameters=[
            OpenApiParameter("limit", int, description="Records per page (at most 500)."),
            OpenApiParameter("offset", int, description="Records to skip."),
        ],
    )
    @action(detail=True, methods=["get"], filterset_class=None)
    def history(self, request, pk=None):
        """Every saved version of the mission, newest first, with the fields each changed."""
        mission = self.get_object()
        records = list(
            mission.history.select_related("history_user").order_by("-history_date", "-pk")
        )
        for newer, older in zip(records, [*records[1:], None], strict=True):
            delta = newer.diff_against(older) if older is not None else None
            newer.api_changes = [
                {"field": change.field, "old": change.old, "new": change.new}
                for change in (delta.changes if delta else [])
            ]
        page = self.paginate_queryset(records)
        data = HistoryRecordSerializer(page, many=True, context={"request": request}).data
        return self.get_paginated_response(data)


class FieldMissionViewSet(ReadOnlyRegistryViewSet):
    """Field-based missions (cluster III) with the mandate areas they hold today."""

    queryset = MISSIONS.in_cluster("field_mission").prefetch_related(MANDATES_WITH_AREAS)
    serializer_class = s.FieldMissionSerializer
    brief_serializer_class = s.MissionBriefSerializer
    filterset_class = MissionFilterSet


class EnvoyViewSet(ReadOnlyRegistryViewSet):
    """Special envoys, advisers and representatives (cluster I) with their seat."""

    queryset = MISSIONS.in_cluster("envoy").select_related("envoy__joint_with")
    serializer_class = s.EnvoySerializer
    brief_serializer_class = s.MissionBriefSerializer
    filterset_class = MissionFilterSet


class SanctionsPanelViewSet(ReadOnlyRegistryViewSet):
    """Sanctions panels and monitoring groups (cluster II) with their committee and expertise."""

    queryset = MISSIONS.in_cluster("sanctions_panel").select_related(
        "sanctions_panel__regime_document"
    )
    serializer_class = s.SanctionsPanelSerializer
    brief_serializer_class = s.MissionBriefSerializer
    filterset_class = MissionFilterSet


class TransitionViewSet(RegistryViewSet):
    queryset = Transition.objects.select_related("predecessor", "successor", "country", "document")
    serializer_class = s.TransitionSerializer
    brief_serializer_class = s.TransitionBriefSerializer
    filterset_class = TransitionFilterSet


class AppointmentViewSet(RegistryViewSet):
    queryset = Appointment.objects.select_related("mission", "person")
    serializer_class = s.AppointmentSerializer
    brief_serializer_class = s.AppointmentBriefSerializer
    filterset_class = AppointmentFilterSet


class PersonViewSet(RegistryViewSet):
    queryset = Person.objects.all()
    serializer_class = s.PersonSerializer
    brief_serializer_class = s.PersonBriefSerializer
    filterset_class = PersonFilterSet


class OrganizationViewSet(RegistryViewSet):
    queryset = Organization.objects.all()
    serializer_class = s.OrganizationSerializer
    brief_serializer_class = s.OrganizationBriefSerializer
    filterset_class = OrganizationFilterSet


class DocumentViewSet(RegistryViewSet):
    queryset = Document.objects.all()
    serializer_class = s.DocumentSerializer
    brief_serializer_class = s.DocumentBriefSerializer
    filterset_class = DocumentFilterSet


class CountryViewSet(ReadOnlyRegistryViewSet):
    queryset = Country.objects.all()
    serializer_class = s.CountrySerializer
    brief_serializer_class = s.CountryBriefSerializer
    filterset_class = CountryFilterSet


class RegionViewSet(ReadOnlyRegistryViewSet):
    queryset = Region.objects.all()
    serializer_class = s.RegionSerializer
    brief_serializer_class = s.RegionBriefSerializer
    filterset_class = RegionFilterSet
