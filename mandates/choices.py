from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["MandateCompleteness"]


class MandateCompleteness(models.TextChoices):
    """How much of a mandate's content the record holds (DOMAIN.md: unknown is not zero)."""

    COMPLETE = "complete", _("complete: every area the mandate text tasks the mission with")
    PARTIAL = "partial", _("partial: only areas a source attests")
