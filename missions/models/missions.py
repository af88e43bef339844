from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..choices import (
    KINDS_BY_CLUSTER,
    EnvoySeat,
    Expertise,
    MandatingBody,
    MissionCategory,
    MissionKind,
    PanelBase,
)
from ..querysets import MissionQuerySet
from .base import Period, Sourced, TimeStamped
from .documents import Document
from .places import Country, Region

__all__ = ["Cluster", "Envoy", "Mission", "SanctionsPanel"]


class Cluster(models.Model):
    """A budget cluster of A/68/223 para 4 (I envoys, II sanctions panels, III field missions)."""

    slug = models.SlugField(_("slug"), unique=True)
    name = models.CharField(_("name"), max_length=100)
    numeral = models.CharField(
        _("numeral"), max_length=4, blank=True, help_text=_("I, II or III; empty for non-SPMs.")
    )
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position"]
        verbose_name = _("cluster")
        verbose_name_plural = _("clusters")

    def __str__(self) -> str:
        return f"{self.numeral}. {self.name}" if self.numeral else self.name


class Mission(Period, Sourced, TimeStamped):
    """A UN presence: a special political mission, or a PKO or country team it transitions with."""

    acronym = models.CharField(
        _("acronym"),
        max_length=30,
        unique=True,
        help_text=_("Official acronym, or an identifier this registry assigned (say so in notes)."),
    )
    name = models.CharField(_("name"), max_length=300)
    cluster = models.ForeignKey(
        Cluster, models.PROTECT, related_name="missions", verbose_name=_("cluster")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=MissionKind.choices)
    category = models.CharField(
        _("category"),
        max_length=30,
        choices=MissionCategory.choices,
        default=MissionCategory.SPECIAL_POLITICAL_MISSION,
        db_index=True,
        help_text=_("Only special political missions count in statistics by default."),
    )
    mandating_body = models.CharField(
        _("mandating body"), max_length=20, choices=MandatingBody.choices, blank=True
    )
    founding_document = models.ForeignKey(
        Document,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="founded_missions",
        verbose_name=_("founding document"),
    )
    host_countries = models.ManyToManyField(
        Country, blank=True, related_name="missions", verbose_name=_("host countries")
    )
    region = models.ForeignKey(
        Region,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="missions",
        verbose_name=_("region"),
    )
    base = models.CharField(
        _("base"), max_length=100, blank=True, help_text=_("City of headquarters, or home-based.")
    )
    in_2013_annex = models.BooleanField(
        _("in the A/68/223 annex"), default=False, help_text=_("Listed as at 1 July 2013.")
    )
    in_2024_page = models.BooleanField(
        _("on the 2023/24 UN peace and security page"), default=False
    )
    # Derived from the row and its mandate areas (missions.search); NULL on SQLite.
    search_document = SearchVectorField(null=True, editable=False)

    objects = MissionQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[host_countries], excluded_fields=["search_document"])

    class Meta(Period.Meta):
        ordering = ["acronym"]
        verbose_name = _("mission")
        verbose_name_plural = _("missions")
        # Covering on PostgreSQL (SQLite ignores `include`): a cluster's missions in force on a
        # day, and their first page by acronym, come from the index alone (the API's cluster
        # with active_on; the page's other columns are read for its rows only).
        indexes = [
            models.Index(
                fields=["cluster", "start_date"],
                include=["end_date", "end_unknown", "id", "acronym"],
                name="mission_cluster_period_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.acronym

    def get_absolute_url(self) -> str:
        return reverse("missions:mission_detail", kwargs={"acronym": self.acronym})

    def clean(self) -> None:
        super().clean()
        if self.cluster_id and self.kind:
            allowed = KINDS_BY_CLUSTER.get(self.cluster.slug)
            if allowed is not None and self.kind not in allowed:
                raise ValidationError(
                    {
                        "kind": _("%(kind)s is not a kind of %(cluster)s.")
                        % {"kind": self.get_kind_display(), "cluster": self.cluster.name}
                    }
                )

    @property
    def is_spm(self) -> bool:
        return self.category == MissionCategory.SPECIAL_POLITICAL_MISSION


class Envoy(models.Model):
    """What only an envoy (cluster I) has: where it sits and whom it is joint with."""

    mission = models.OneToOneField(
        Mission, models.CASCADE, primary_key=True, related_name="envoy", verbose_name=_("mission")
    )
    seat = models.CharField(_("seat"), max_length=20, choices=EnvoySeat.choices, blank=True)
    joint_with = models.ForeignKey(
        "missions.Organization",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="joint_envoys",
        verbose_name=_("joint with"),
        help_text=_("A regional organization sharing the mandate (UN-League of Arab States)."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("envoy details")
        verbose_name_plural = _("envoy details")

    def __str__(self) -> str:
        return str(self.mission)


class SanctionsPanel(models.Model):
    """What only a sanctions panel or monitoring group (cluster II) has."""

    mission = models.OneToOneField(
        Mission,
        models.CASCADE,
        primary_key=True,
        related_name="sanctions_panel",
        verbose_name=_("mission"),
    )
    committee = models.CharField(
        _("sanctions committee"),
        max_length=200,
        blank=True,
        help_text=_("The Security Council committee the panel reports to."),
    )
    regime_document = models.ForeignKey(
        Document,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="sanctions_panels",
        verbose_name=_("regime resolution"),
    )
    experts = models.PositiveSmallIntegerField(_("number of experts"), null=True, blank=True)
    expertise = models.JSONField(
        _("areas of expertise"),
        default=list,
        blank=True,
        help_text=_("Slugs of A/68/223 para 31: %(choices)s.")
        % {"choices": ", ".join(Expertise.values)},
    )
    panel_base = models.CharField(_("base"), max_length=20, choices=PanelBase.choices, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("sanctions panel details")
        verbose_name_plural = _("sanctions panel details")

    def __str__(self) -> str:
        return str(self.mission)

    def clean(self) -> None:
        super().clean()
        unknown = sorted(set(self.expertise or []) - set(Expertise.values))
        if unknown:
            raise ValidationError(
                {
                    "expertise": _("Unknown areas of expertise: %(items)s.")
                    % {"items": ", ".join(unknown)}
                }
            )
        if self.regime_document_id and self.regime_document.body not in ("", "security_council"):
            raise ValidationError(
                {"regime_document": _("A sanctions regime is set by a Security Council document.")}
            )
