"""Stored results of the statistics, so that requests read rows instead of aggregating."""

import hashlib
import json

from django.db import models
from django.utils.translation import gettext_lazy as _

from .querysets import StatisticSnapshotQuerySet

__all__ = ["RefreshSchedule", "StatisticSnapshot"]


class StatisticSnapshot(models.Model):
    """One metric's yearly series for one set of parameters, as last computed."""

    metric = models.CharField(_("metric"), max_length=40)
    params = models.JSONField(_("parameters"), default=dict)
    key = models.CharField(
        _("key"), max_length=64, unique=True, help_text=_("Digest of the metric and parameters.")
    )
    results = models.JSONField(_("results"), default=list)
    first_year = models.PositiveSmallIntegerField(
        _("first year in the data"), null=True, blank=True
    )
    fingerprint = models.CharField(
        _("data fingerprint"),
        max_length=64,
        blank=True,
        help_text=_("Digest of the registry data the results were computed from."),
    )
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True)
    stale = models.BooleanField(
        _("stale"), default=True, help_text=_("Registry data changed since it was computed.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_read_at = models.DateTimeField(
        _("last read at"),
        null=True,
        blank=True,
        help_text=_("When it was last served (to the hour); never read if empty."),
    )

    objects = StatisticSnapshotQuerySet.as_manager()

    class Meta:
        ordering = ["metric", "key"]
        verbose_name = _("statistic snapshot")
        verbose_name_plural = _("statistic snapshots")

    def __str__(self) -> str:
        return f"{self.metric} {self.params}"

    @staticmethod
    def key_for(metric: str, params: dict) -> str:
        """Return the key identifying `metric` computed with `params`."""
        text = json.dumps([metric, params], sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()


class RefreshSchedule(models.Model):
    """The one row that debounces refreshes: set while a refresh is enqueued and not started."""

    pending_since = models.DateTimeField(_("refresh enqueued at"), null=True, blank=True)
    last_started_at = models.DateTimeField(_("last refresh started at"), null=True, blank=True)
    last_finished_at = models.DateTimeField(_("last refresh finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("refresh schedule")
        verbose_name_plural = _("refresh schedule")

    def __str__(self) -> str:
        return f"refresh pending since {self.pending_since}" if self.pending_since else "idle"
