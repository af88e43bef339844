"""Writes on mandates that the admin and the API share."""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from missions.choices import DatePrecision
from missions.dates import widen
from missions.models import Document

from .models import Mandate

__all__ = ["mandate_renew"]


@transaction.atomic
def mandate_renew(
    *,
    mandate: Mandate,
    until: date | None,
    until_precision: str = DatePrecision.DAY,
    document: Document | None = None,
    source: str = "",
) -> Mandate:
    """Make the mandate period that follows `mandate`, with the same areas and tasks.

    The new period starts the day after `mandate` ends, at that end's precision (a mandate that
    ended "in 2009" is renewed from "2010"). Raise ValidationError when `mandate` is not the last
    period of its mission, has no end, or the new period breaks a rule of Mandate.clean().
    """
    if mandate.end_date is None:
        raise ValidationError(
            _("%(mandate)s is still in force: give it an end before renewing it.")
            % {"mandate": mandate}
        )
    later = Mandate.objects.filter(mission_id=mandate.mission_id, start_date__gt=mandate.start_date)
    if later.exists():
        raise ValidationError(
            _("%(mandate)s is not the last mandate of %(mission)s.")
            % {"mandate": mandate, "mission": mandate.mission}
        )
    start = mandate.end_date + timedelta(days=1)
    renewal = Mandate(
        mission=mandate.mission,
        start_date=widen(start, mandate.end_precision, "start"),
        start_precision=mandate.end_precision,
        end_date=widen(until, until_precision, "end") if until else None,
        end_precision=until_precision,
        document=document,
        completeness=mandate.completeness,
        # The renewing document is a new source: the old one's citation is not copied.
        source=source,
    )
    renewal.full_clean()
    renewal.save()
    renewal.mandate_areas.set(mandate.mandate_areas.all())
    renewal.tasks.set(mandate.tasks.all())
    return renewal
