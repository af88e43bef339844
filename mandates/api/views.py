"""Endpoints of the mandates app under /api/v1/."""

from missions.api.base import RegistryViewSet

from ..models import Mandate, MandateArea
from . import serializers as s
from .filters import MandateAreaFilterSet, MandateFilterSet


class MandateAreaViewSet(RegistryViewSet):
    """The mandate-area taxonomy, each area with its specific tasks."""

    queryset = MandateArea.objects.prefetch_related("tasks__area")
    serializer_class = s.MandateAreaSerializer
    brief_serializer_class = s.MandateAreaBriefSerializer
    filterset_class = MandateAreaFilterSet


class MandateViewSet(RegistryViewSet):
    """Mandate periods of missions, with the areas and tasks in force during each."""

    queryset = Mandate.objects.select_related("mission", "document").prefetch_related(
        "mandate_areas", "tasks__area"
    )
    serializer_class = s.MandateSerializer
    brief_serializer_class = s.MandateBriefSerializer
    filterset_class = MandateFilterSet
