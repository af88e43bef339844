"""Routes of this app under /api/v1/ (config/urls.py merges every app's router into one)."""

from rest_framework.routers import SimpleRouter

router = SimpleRouter()

# Routes that are not viewsets (one-off APIViews).
urlpatterns: list = []
