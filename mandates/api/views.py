"""Endpoints of the mandates app under /api/v1/."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action

from missions.api.base import ChangePermission, RegistryViewSet, raise_as_api_errors
from missions.services import document_get_or_create

from ..models import Mandate, MandateArea
from ..services import mandate_renew
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

    @extend_schema(request=s.MandateRenewSerializer, responses={201: s.MandateSerializer})
    @action(detail=True, methods=["post"], permission_classes=[ChangePermission])
    def renew(self, request, pk=None):
        """Add the period that follows this mandate, with the same areas and tasks."""
        form = s.MandateRenewSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        symbol = data.get("document", "").strip()
        with transaction.atomic():
            self.lock(self.get_object())
            mandate = self.get_object()
            self.check_if_match(mandate)
            try:
                renewal = mandate_renew(
                    mandate=mandate,
                    until=data.get("until"),
                    until_precision=data.get("until_precision", "day"),
                    document=document_get_or_create(symbol=symbol) if symbol else None,
                    source=data.get("source", ""),
                )
            except DjangoValidationError as exc:
                raise_as_api_errors(exc, {"end_date": "until", "start_date": "until"})
        return self._written(renewal, 201)

    def allowed_query_parameters(self):
        if self.action == "renew":
            return {"format"}
        return super().allowed_query_parameters()
