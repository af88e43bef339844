"""Every app's routes: the analyst UI at /, the admin, and one versioned API root at /api/v1/."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
from rest_framework.routers import DefaultRouter

from mandates.api import urls as mandates_api
from missions.api import urls as missions_api
from reports.api import urls as reports_api

api_router = DefaultRouter()
for app_api in (missions_api, mandates_api, reports_api):
    api_router.registry.extend(app_api.router.registry)

api_urlpatterns = [
    *api_router.urls,
    *missions_api.urlpatterns,
    *mandates_api.urlpatterns,
    *reports_api.urlpatterns,
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view loads its start-up script from a URL, so the CSP needs no inline script.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include((api_urlpatterns, "api"))),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("missions.urls", namespace="missions")),
    path("", include("reports.urls", namespace="reports")),
]
