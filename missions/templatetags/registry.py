"""Template helpers of the analyst UI: highlighting matched words, linking sources."""

import re

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

register = template.Library()

_URL = re.compile(r"^https?://\S+$")


@register.filter
def highlight(text, terms):
    """Escape `text`, then wrap each of the search `terms` in <mark> (case-insensitive)."""
    escaped = escape(text or "")
    words = [escape(term) for term in (terms or []) if term]
    if not words:
        return mark_safe(escaped)  # noqa: S308 - escaped above
    # Longest first, so "UNIPSIL" wins over "UN"; matched on the escaped text, so a term can
    # never break an entity or inject markup.
    pattern = re.compile(
        "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True)), re.IGNORECASE
    )
    return mark_safe(pattern.sub(lambda m: f"<mark>{m.group(0)}</mark>", escaped))  # noqa: S308


@register.filter
def source_link(item):
    """Render a source: an address as a link, anything else (a seed document) as text."""
    item = (item or "").strip()
    if _URL.match(item):
        return format_html('<a href="{}" rel="noopener noreferrer">{}</a>', item, item)
    return item


@register.filter
def get_item(mapping, key):
    """Return mapping[key] (empty string when missing)."""
    try:
        return mapping.get(key, "")
    except AttributeError:
        return ""
