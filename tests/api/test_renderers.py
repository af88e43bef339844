"""The API's JSON renderer writes the bytes DRF's own renderer writes, only faster."""

import datetime
import decimal
import uuid

import pytest
from django.utils.translation import gettext_lazy
from rest_framework import renderers

from config.api import JSONRenderer

SAMPLES = [
    {"count": 2, "next": None, "results": [{"id": 1, "acronym": "UNAMA", "active": True}]},
    {"detail": gettext_lazy("Not found."), "errors": {0: ["first row"], "name": ["é ü ✓"]}},
    {
        "at": datetime.datetime(2024, 5, 1, 12, 30, 15, 123456, tzinfo=datetime.UTC),
        "day": datetime.date(2024, 5, 1),
        "amount": decimal.Decimal("1.50"),
        "key": uuid.UUID("12345678-1234-5678-1234-567812345678"),
        "tags": ("a", "b"),
    },
    {"text": "line\u2028break\u2029paragraph </script>", "big": 2**70, "float": 0.1},
    [],
]


@pytest.mark.parametrize("data", SAMPLES)
def test_json_renderer_writes_what_drf_writes(data):
    expected = renderers.JSONRenderer().render(data, "application/json")
    assert JSONRenderer().render(data, "application/json") == expected


def test_indented_json_is_left_to_drf():
    data = {"a": [1, 2]}
    media_type = "application/json; indent=2"
    expected = renderers.JSONRenderer().render(data, media_type)
    assert JSONRenderer().render(data, media_type) == expected
    assert expected == b'{\n  "a": [\n    1,\n    2\n  ]\n}'
