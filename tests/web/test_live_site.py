"""The live site of the browser tests writes only to the test database, and leaves nothing."""

from urllib.request import urlopen

import pytest
from django.db import connection

from tests.web.live import CONFIGURED_NAMES, require_test_database


def test_the_live_site_refuses_the_database_named_in_the_settings(monkeypatch):
    monkeypatch.setitem(connection.settings_dict, "NAME", CONFIGURED_NAMES[connection.alias])
    with pytest.raises(RuntimeError, match="not a test database"):
        require_test_database()


@pytest.mark.browser
def test_a_live_site_test_without_db_still_runs_on_the_test_database(request, live_site):
    # The shape that once wrote the seed into the database of the settings when such tests
    # were all a run collected (`pytest tests/web/test_live_site.py -m browser`).
    assert request.node.get_closest_marker("django_db")
    assert str(connection.settings_dict["NAME"]) != str(CONFIGURED_NAMES[connection.alias])
    with urlopen(live_site + "/missions/UNIPSIL/") as response:  # noqa: S310 (our own server)
        assert response.status == 200
