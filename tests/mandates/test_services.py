from datetime import date

import pytest
from django.core.exceptions import ValidationError

from mandates.services import mandate_renew
from tests.factories import MandateAreaFactory, MandateFactory, MissionFactory

pytestmark = pytest.mark.django_db


def test_renewing_makes_the_next_period_with_the_same_areas():
    areas = [MandateAreaFactory(slug="human-rights"), MandateAreaFactory(slug="elections")]
    last = MandateFactory(start_date=date(2009, 1, 1), end_date=date(2009, 12, 31),
                          mandate_areas=areas, source="old source")

    renewal = mandate_renew(mandate=last, until=date(2010, 12, 31))

    assert (renewal.start_date, renewal.start_precision) == (date(2010, 1, 1), "day")
    assert renewal.end_date == date(2010, 12, 31)
    assert set(renewal.mandate_areas.all()) == set(areas)
    assert renewal.source == ""  # the old citation is not the renewal's


def test_renewing_an_imprecise_end_starts_at_the_same_precision():
    last = MandateFactory(start_date=date(2008, 1, 1), end_date=date(2009, 3, 31),
                          end_precision="month")
    renewal = mandate_renew(mandate=last, until=date(2010, 1, 1), until_precision="year")
    assert (renewal.start, renewal.end) == ("2009-04", "2010")
    assert renewal.end_date == date(2010, 12, 31)


@pytest.mark.parametrize("case", ["open", "not_last", "past_mission_end"])
def test_renewing_refuses_what_breaks_the_rules(case):
    mission = MissionFactory(start_date=date(2000, 1, 1), end_date=date(2003, 12, 31))
    first = MandateFactory(mission=mission, start_date=date(2000, 1, 1),
                           end_date=None if case == "open" else date(2001, 12, 31))
    if case == "not_last":
        MandateFactory(mission=mission, start_date=date(2002, 1, 1), end_date=date(2002, 12, 31))
    until = date(2005, 12, 31) if case == "past_mission_end" else date(2002, 12, 31)
    with pytest.raises(ValidationError):
        mandate_renew(mandate=first, until=until)
    assert mission.mandates.count() == (2 if case == "not_last" else 1)
