"""Routes of this app under /api/v1/ (config/urls.py merges every app's router into one)."""

from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("missions", views.MissionViewSet, basename="mission")
router.register("field-missions", views.FieldMissionViewSet, basename="field-mission")
router.register("envoys", views.EnvoyViewSet, basename="envoy")
router.register("sanctions-panels", views.SanctionsPanelViewSet, basename="sanctions-panel")
router.register("transitions", views.TransitionViewSet, basename="transition")
router.register("countries", views.CountryViewSet, basename="country")
router.register("regions", views.RegionViewSet, basename="region")
router.register("documents", views.DocumentViewSet, basename="document")
router.register("organizations", views.OrganizationViewSet, basename="organization")
router.register("people", views.PersonViewSet, basename="person")
router.register("appointments", views.AppointmentViewSet, basename="appointment")

# Routes that are not viewsets (one-off APIViews).
urlpatterns: list = []
