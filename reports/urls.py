"""Routes of the analyst UI for derived statistics (config/urls.py includes them at /)."""

from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("trends/", views.trends, name="trends"),
    path("trends/download.csv", views.trends_csv, name="trends_csv"),
    path("landscape/", views.landscape, name="landscape"),
]
