"""Template helpers of the analyst UI: highlighting matched words, linking sources."""

import re

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

register = template.Library()

_URL = re.compile(r"^https?://\S+$")


@register.filter
def highlight(text, terms):
    """Escape `text`, wrapping each of the search `terms` in <mark> (case-insensitive)."""
    text = str(text or "")
    words = sorted({term for term in (terms or []) if term}, key=len, reverse=True)
    if not words:
        return escape(text)
    # Match on the raw text, then escape each piece: a term can neither land inside an entity
    # ("amp" in "&amp;") nor inject markup. Longest first, so "UNIPSIL" wins over "UN".
    pattern = re.compile("(" + "|".join(map(re.escape, words)) + ")", re.IGNORECASE)
    pieces = pattern.split(text)  # the matches are at the odd positions
    return mark_safe(  # noqa: S308 - every piece is escaped
        "".join(
            f"<mark>{escape(piece)}</mark>" if index % 2 else escape(piece)
            for index, piece in enumerate(pieces)
        )
    )


@register.filter
def source_link(item):
    """Render a source: an address as a link, anything else (a seed document) as text."""
    item = (item or "").strip()
    if _URL.match(item):
        return format_html('<a href="{}" rel="noopener noreferrer">{}</a>', item, item)
    return item
