"""Routes of the analyst UI for missions and countries (config/urls.py includes them at /)."""

from django.urls import path, register_converter

from . import views


class ExportFormat:
    regex = "csv|xlsx"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ExportFormat, "export")

app_name = "missions"
urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.mission_list, name="mission_list"),
    path("search/download.<export:fmt>", views.mission_export, name="mission_export"),
    path("missions/<str:acronym>/", views.mission_detail, name="mission_detail"),
    path("countries/", views.country_list, name="country_list"),
    path("countries/<str:iso3>/", views.country_detail, name="country_detail"),
]
