"""Writes on missions that span models; the admin and the API call the same functions."""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .choices import DatePrecision, TransitionKind
from .dates import widen
from .models import Document, Mission, Transition, guess_document

__all__ = [
    "MISSION_CLOSE_PERMISSIONS",
    "document_get_or_create",
    "mission_close",
    "transition_default_date",
]

# Closing a mission ends its open mandates, tenures and partnerships and records a transition
# (and maybe its document): whoever closes one must be allowed each of those writes.
MISSION_CLOSE_PERMISSIONS = (
    "missions.change_mission",
    "missions.add_transition",
    "missions.add_document",
    "mandates.change_mandate",
    "missions.change_appointment",
    "missions.change_partnership",
)


def transition_default_date(*, end_date: date, end_precision: str) -> tuple[date, str]:
    """Return the day a successor takes over from a mission that ends on `end_date`.

    A day-precise end hands over the next day; an imprecise end hands over within its own range.
    """
    if end_precision == DatePrecision.DAY:
        return end_date + timedelta(days=1), DatePrecision.DAY
    return widen(end_date, end_precision, "start"), end_precision


@transaction.atomic
def mission_close(
    *,
    mission: Mission,
    end_date: date,
    end_precision: str = DatePrecision.DAY,
    transition_to: Mission | None = None,
    transition_kind: str = TransitionKind.SPM_TO_SPM,
    transition_date: date | None = None,
    transition_precision: str | None = None,
    document: Document | None = None,
    source: str = "",
) -> Transition | None:
    """End `mission` on `end_date`, end what is still open with it, record its successor.

    Open mandates, appointments and partnerships end with the mission. A mandate still running
    after `end_date` is cut there; one that starts after it is an error to resolve by hand. All
    or nothing: raise ValidationError (mapped to the field at fault) and change nothing.
    """
    end_date = widen(end_date, end_precision, "end")
    if mission.start_date and end_date < mission.start_date:
        raise ValidationError({"end_date": _("The end is before the mission's start.")})
    later = mission.mandates.filter(start_date__gt=end_date)
    if later.exists():
        raise ValidationError(
            {"end_date": _("%(mandate)s starts after this end; change or delete it first.")
             % {"mandate": later.first()}}
        )
    mission.end_date, mission.end_precision, mission.end_unknown = end_date, end_precision, False
    mission.full_clean()
    mission.save()
    # Everything in force past the end stops with the mission.
    for related in (mission.mandates, mission.appointments, mission.partnerships):
        for item in related.exclude(end_unknown=True).exclude(end_date__lte=end_date):
            if item.start_date and item.start_date > end_date:
                continue
            item.end_date, item.end_precision = end_date, end_precision
            item.full_clean()
            item.save()
    if transition_to is None:
        return None
    if transition_date is None:
        transition_date, transition_precision = transition_default_date(
            end_date=end_date, end_precision=end_precision
        )
    transition = Transition.objects.filter(predecessor=mission, successor=transition_to).first()
    transition = transition or Transition(predecessor=mission, successor=transition_to)
    transition.date = transition_date
    transition.date_precision = transition_precision or DatePrecision.DAY
    transition.kind = transition_kind
    transition.document = document or transition.document
    transition.source = source or transition.source
    transition.full_clean()
    transition.save()
    return transition


def document_get_or_create(*, symbol: str) -> Document:
    """Return the document with `symbol`, creating it from what the symbol implies."""
    symbol = symbol.strip()
    document = Document.objects.filter(symbol=symbol).first()
    if document is None:
        guess = guess_document(symbol)
        document = Document(symbol=symbol, kind=guess["kind"], body=guess["body"],
                            year=guess["year"])
        document.full_clean()
        document.save()
    return document
