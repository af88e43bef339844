"""The statistics API: the metric catalogue, a metric's yearly series, the landscape on a date."""

from datetime import date

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from config.api import CSVRenderer, QueryParameterError

from ..aggregations import landscape
from ..metrics import METRICS, ParameterError, parse_categories
from ..services import statistics_get

__all__ = ["LandscapeView", "StatisticDetailView", "StatisticListView"]

_STAT_PARAMETERS = [
    OpenApiParameter("start", int, description="First year (default: the first in the data)."),
    OpenApiParameter("end", int, description="Last year (default: this year)."),
    OpenApiParameter(
        "reference", str, description="Day counted in each year, MM-DD (default 07-01), or any."
    ),
    OpenApiParameter(
        "category", str, description="Mission categories, comma-separated, or all (default: SPMs)."
    ),
    OpenApiParameter("cluster", str, description="Cluster slugs, comma-separated."),
    OpenApiParameter("region", str, description="Region slugs, comma-separated."),
    OpenApiParameter("mandating_body", str, description="Mandating bodies, comma-separated."),
    OpenApiParameter("split", str, enum=["cluster", "region", "mandating_body"]),
    OpenApiParameter(
        "mandate_area", str, description="mandate_area_share: slug(s); several = holding any."
    ),
]


class _StatisticsView(APIView):
    # Public read-only figures; no model queryset to take permissions from.
    permission_classes = [AllowAny]
    renderer_classes = [*api_settings.DEFAULT_RENDERER_CLASSES, CSVRenderer]


class StatisticListView(_StatisticsView):
    """List the metrics with their parameters."""

    @extend_schema(operation_id="stats_list", responses=OpenApiTypes.OBJECT)
    def get(self, request):
        results = [
            {
                **metric.as_dict(),
                "url": request.build_absolute_uri(
                    reverse("api:stats-detail", kwargs={"metric": metric.name})
                ),
            }
            for metric in METRICS.values()
        ]
        return Response({"count": len(results), "results": results})


class StatisticDetailView(_StatisticsView):
    """Return a metric's yearly series from its stored snapshot (computed and stored if absent)."""

    basename = "statistics"

    @extend_schema(
        operation_id="stats_retrieve", parameters=_STAT_PARAMETERS, responses=OpenApiTypes.OBJECT
    )
    def get(self, request, metric: str):
        if metric not in METRICS:
            raise NotFound(f"Unknown metric {metric!r}; see /api/v1/stats/.")
        try:
            statistic = statistics_get(metric=metric, params=request.query_params)
        except ParameterError as error:
            raise QueryParameterError({error.param: [error.message]}) from None
        self.basename = f"{metric}"
        return Response(statistic.as_dict())


class LandscapeView(_StatisticsView):
    """Return the registry as at a date (live): totals by cluster, body, region, base; missions."""

    basename = "landscape"

    @extend_schema(
        operation_id="landscape_retrieve",
        parameters=[
            OpenApiParameter("as_of", OpenApiTypes.DATE, description="Default: today."),
            OpenApiParameter("category", str, description="Comma-separated, or all."),
        ],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request):
        for name in request.query_params:
            if name not in ("as_of", "category", "format"):
                raise QueryParameterError({name: ["Unknown parameter; accepted: as_of, category."]})
        raw_day = request.query_params.get("as_of") or ""
        try:
            as_of = date.fromisoformat(raw_day) if raw_day else timezone.localdate()
        except ValueError:
            raise QueryParameterError({"as_of": ["Enter a date as YYYY-MM-DD."]}) from None
        try:
            categories = parse_categories(request.query_params)
        except ParameterError as error:
            raise QueryParameterError({error.param: [error.message]}) from None
        answer = landscape(as_of, category=categories)
        if getattr(request.accepted_renderer, "format", None) == "csv":
            rows = [
                {"cluster": group["cluster"], **mission}
                for group in answer["missions"]
                for mission in group["missions"]
            ]
            return Response(rows)
        return Response(answer)
