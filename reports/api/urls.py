"""Routes of this app under /api/v1/ (config/urls.py merges every app's router into one)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from .views import LandscapeView, StatisticDetailView, StatisticListView

router = SimpleRouter()

# Routes that are not viewsets (one-off APIViews).
urlpatterns: list = [
    path("stats/", StatisticListView.as_view(), name="stats-list"),
    # Any name reaches the view, so an unknown metric is a JSON 404, not an HTML one.
    path("stats/<str:metric>/", StatisticDetailView.as_view(), name="stats-detail"),
    path("landscape/", LandscapeView.as_view(), name="landscape"),
]
