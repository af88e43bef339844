import re
from urllib.parse import quote

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..choices import DatePrecision, DocumentKind, MandatingBody
from .base import TimeStamped

__all__ = ["Document", "guess_document"]

_RESOLUTION = re.compile(r"^(S|A)/RES/")
_PRST = re.compile(r"^S/PRST/")
_YEAR = re.compile(r"\((\d{4})\)|^[SA]/(?:PRST/)?(\d{4})/")


def guess_document(symbol: str) -> dict:
    """Return the kind, body and year a UN document symbol implies (`S/RES/2040 (2012)`)."""
    symbol = symbol.strip()
    kind = DocumentKind.OTHER
    if _RESOLUTION.match(symbol):
        kind = DocumentKind.RESOLUTION
    elif _PRST.match(symbol):
        kind = DocumentKind.PRESIDENTIAL_STATEMENT
    elif re.match(r"^S/\d{4}/\d+", symbol):
        kind = DocumentKind.LETTER
    body = ""
    if symbol.startswith("S/"):
        body = MandatingBody.SECURITY_COUNCIL
    elif symbol.startswith("A/"):
        body = MandatingBody.GENERAL_ASSEMBLY
    match = _YEAR.search(symbol)
    year = int(next(group for group in match.groups() if group)) if match else None
    return {"kind": kind, "body": body, "year": year}


class Document(TimeStamped):
    """A UN document that founds, renews or records something: resolution, statement, letter."""

    symbol = models.CharField(_("symbol"), max_length=100, unique=True)
    kind = models.CharField(
        _("kind"), max_length=30, choices=DocumentKind.choices, default=DocumentKind.OTHER
    )
    body = models.CharField(_("body"), max_length=20, choices=MandatingBody.choices, blank=True)
    date = models.DateField(_("date"), null=True, blank=True)
    date_precision = models.CharField(
        _("date precision"), max_length=5, choices=DatePrecision.choices, default="day"
    )
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True, db_index=True)
    title = models.CharField(_("title"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["symbol"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return self.symbol

    @property
    def library_url(self) -> str:
        """Address of the document's record in the UN Digital Library, built from its symbol."""
        return "https://digitallibrary.un.org/search?ln=en&p=" + quote(f'"{self.symbol}"')

    @property
    def ods_url(self) -> str:
        """Address of the document's text in the UN Official Document System."""
        # The resolution form "S/RES/2040 (2012)" is filed under "S/RES/2040(2012)".
        return "https://undocs.org/" + quote(self.symbol.replace(" (", "("), safe="/()")
