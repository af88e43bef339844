"""Controlled vocabularies of the registry; their values are the slugs of the import bundle."""

from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = [
    "Confidence",
    "DatePrecision",
    "DocumentKind",
    "EnvoySeat",
    "Expertise",
    "Gender",
    "MandatingBody",
    "MissionCategory",
    "MissionKind",
    "PanelBase",
    "PartnershipKind",
    "TransitionKind",
]


class DatePrecision(models.TextChoices):
    DAY = "day", _("day")
    MONTH = "month", _("month")
    YEAR = "year", _("year")


class MissionCategory(models.TextChoices):
    SPECIAL_POLITICAL_MISSION = "special_political_mission", _("Special political mission")
    PEACEKEEPING_OPERATION = "peacekeeping_operation", _("Peacekeeping operation")
    UN_COUNTRY_TEAM = "un_country_team", _("UN country team")
    OTHER = "other", _("Other UN presence")


class MissionKind(models.TextChoices):
    # Field missions (cluster III)
    COUNTRY = "country", _("Country-specific mission")
    REGIONAL = "regional", _("Regional office")
    # Envoys (cluster I)
    SPECIAL_ENVOY = "special_envoy", _("Special envoy")
    SPECIAL_ADVISER = "special_adviser", _("Special adviser")
    PERSONAL_ENVOY = "personal_envoy", _("Personal envoy")
    REPRESENTATIVE = "representative", _("Representative")
    # Sanctions panels and monitoring groups (cluster II)
    PANEL_OF_EXPERTS = "panel_of_experts", _("Panel of experts")
    GROUP_OF_EXPERTS = "group_of_experts", _("Group of experts")
    MONITORING_GROUP = "monitoring_group", _("Monitoring group")
    MONITORING_TEAM = "monitoring_team", _("Monitoring team")
    # Other presences (transition endpoints and partners)
    PEACEKEEPING = "peacekeeping", _("Peacekeeping operation")
    COUNTRY_TEAM = "country_team", _("UN country team")
    OTHER = "other", _("Other")


# Which kinds a cluster admits (A/68/223 paras 30-32); "other" fits every cluster.
KINDS_BY_CLUSTER = {
    "field_mission": {MissionKind.COUNTRY, MissionKind.REGIONAL, MissionKind.OTHER},
    "envoy": {
        MissionKind.SPECIAL_ENVOY,
        MissionKind.SPECIAL_ADVISER,
        MissionKind.PERSONAL_ENVOY,
        MissionKind.REPRESENTATIVE,
        MissionKind.OTHER,
    },
    "sanctions_panel": {
        MissionKind.PANEL_OF_EXPERTS,
        MissionKind.GROUP_OF_EXPERTS,
        MissionKind.MONITORING_GROUP,
        MissionKind.MONITORING_TEAM,
        MissionKind.OTHER,
    },
    "other_presence": {MissionKind.PEACEKEEPING, MissionKind.COUNTRY_TEAM, MissionKind.OTHER},
}


class MandatingBody(models.TextChoices):
    SECURITY_COUNCIL = "security_council", _("Security Council")
    GENERAL_ASSEMBLY = "general_assembly", _("General Assembly")
    SECRETARY_GENERAL = "secretary_general", _("Secretary-General")


class Confidence(models.TextChoices):
    HIGH = "high", _("high: consistent sources including official ones")
    MEDIUM = "medium", _("medium: one non-official source, a partial date or a minor conflict")
    LOW = "low", _("low: inferred or conflicting")


class TransitionKind(models.TextChoices):
    SPM_TO_SPM = "spm_to_spm", _("Political mission to political mission")
    PKO_TO_SPM = "pko_to_spm", _("Peacekeeping operation to political mission")
    SPM_TO_PKO = "spm_to_pko", _("Political mission to peacekeeping operation")
    SPM_TO_UNCT = "spm_to_unct", _("Political mission to UN country team")
    PKO_TO_UNCT = "pko_to_unct", _("Peacekeeping operation to UN country team")
    OTHER = "other", _("Other")


class Gender(models.TextChoices):
    FEMALE = "female", _("female")
    MALE = "male", _("male")


class DocumentKind(models.TextChoices):
    RESOLUTION = "resolution", _("Resolution")
    PRESIDENTIAL_STATEMENT = "presidential_statement", _("Presidential statement")
    LETTER = "letter", _("Letter or exchange of letters")
    REPORT = "report", _("Report")
    DECISION = "decision", _("Decision")
    OTHER = "other", _("Other document")


class EnvoySeat(models.TextChoices):
    HEADQUARTERS = "headquarters", _("Headquarters-based")
    HOME_BASED = "home_based", _("Home-based")
    FIELD_OFFICE = "field_office", _("With a field office")


class PanelBase(models.TextChoices):
    NEW_YORK = "new_york", _("New York")
    NAIROBI = "nairobi", _("Nairobi")
    HOME_BASED = "home_based", _("Home-based")


class Expertise(models.TextChoices):
    """Areas of expertise of sanctions panels, as listed in A/68/223 para 31."""

    FINANCE = "finance", _("Banking, finance and alternative remittance systems")
    ARMS = "arms", _("Conventional arms and armed groups")
    CUSTOMS = "customs", _("Customs, export control and travel ban enforcement")
    COUNTER_TERRORISM = "counter_terrorism", _("Information analysis and counter-terrorism")
    TRANSPORT = "transport", _("Transport")
    HUMANITARIAN_LAW = "humanitarian_law", _("International humanitarian law and human rights")
    NATURAL_RESOURCES = "natural_resources", _("Natural resources")
    POLITICAL_ANALYSIS = "political_analysis", _("Political analysis")
    NON_PROLIFERATION = "non_proliferation", _("Non-proliferation of weapons of mass destruction")


class PartnershipKind(models.TextChoices):
    JOINT = "joint", _("Joint mission")
    ALONGSIDE = "alongside", _("Works alongside")
    COOPERATES = "cooperates", _("Cooperates with")
