"""Routes of this app under /api/v1/ (config/urls.py merges every app's router into one)."""

from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("mandate-areas", views.MandateAreaViewSet, basename="mandate-area")
router.register("mandates", views.MandateViewSet, basename="mandate")

# Routes that are not viewsets (one-off APIViews).
urlpatterns: list = []
