"""Serializers of the mandates app: the area taxonomy with its tasks, and mandate periods."""

from rest_framework import serializers

from missions.api.base import (
    BriefRelatedField,
    FlexModelSerializer,
    LinkField,
    ModelSerializer,
    PartialDateField,
)
from missions.api.serializers import (
    PERIOD_FIELDS,
    PERIOD_READ_ONLY,
    SOURCED_FIELDS,
    DocumentBriefSerializer,
    MissionBriefSerializer,
    PeriodMixin,
    RegistrySerializer,
)
from missions.models import Document, Mission

from ..models import Mandate, MandateArea, MandatedTask

__all__ = [
    "MandateAreaBriefSerializer",
    "MandateAreaSerializer",
    "MandateBriefSerializer",
    "MandateRenewSerializer",
    "MandateSerializer",
    "MandatedTaskSerializer",
]


class MandatedTaskSerializer(ModelSerializer):
    area = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = MandatedTask
        fields = ["id", "area", "name"]


class MandateAreaBriefSerializer(FlexModelSerializer):
    url = LinkField(view_name="api:mandate-area-detail")

    class Meta:
        model = MandateArea
        fields = ["id", "url", "slug", "name"]


class MandateAreaSerializer(RegistrySerializer):
    url = LinkField(view_name="api:mandate-area-detail")
    tasks = MandatedTaskSerializer(many=True, read_only=True)

    class Meta:
        model = MandateArea
        fields = ["id", "url", "slug", "name", "description", "source", "tasks"]


class MandateBriefSerializer(PeriodMixin, FlexModelSerializer):
    url = LinkField(view_name="api:mandate-detail")
    mission = serializers.SlugRelatedField(slug_field="acronym", read_only=True)

    class Meta:
        model = Mandate
        fields = ["id", "url", "mission", "start", "end"]


class MandateRenewSerializer(serializers.Serializer):
    """What renewing a mandate takes (mandates.services.mandate_renew)."""

    until = PartialDateField("until", "end", help_text="End of the new period; empty: open.")
    document = serializers.CharField(required=False, allow_blank=True, help_text="UN symbol.")
    source = serializers.CharField(required=False, allow_blank=True)


class MandateSerializer(PeriodMixin, RegistrySerializer):
    url = LinkField(view_name="api:mandate-detail")
    mission = BriefRelatedField(MissionBriefSerializer, "acronym", queryset=Mission.objects.all())
    document = BriefRelatedField(
        DocumentBriefSerializer,
        "symbol",
        queryset=Document.objects.all(),
        allow_null=True,
        required=False,
    )
    mandate_areas = BriefRelatedField(
        MandateAreaBriefSerializer,
        "slug",
        queryset=MandateArea.objects.all(),
        many=True,
        required=False,
    )
    tasks = BriefRelatedField(
        MandatedTaskSerializer, queryset=MandatedTask.objects.all(), many=True, required=False
    )

    class Meta:
        model = Mandate
        fields = [
            "id",
            "url",
            "mission",
            *PERIOD_FIELDS,
            "document",
            "completeness",
            "mandate_areas",
            "tasks",
            *SOURCED_FIELDS,
            "created_at",
            "updated_at",
        ]
        read_only_fields = PERIOD_READ_ONLY
