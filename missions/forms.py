"""Forms of the analyst UI: what a search page reads from its query string besides the facets."""

from django import forms
from django.utils.translation import gettext_lazy as _

SORTS = [
    ("relevance", _("Relevance")),
    ("acronym", _("Acronym")),
    ("-start", _("Newest first")),
    ("start", _("Oldest first")),
    ("name", _("Name")),
]


class SearchForm(forms.Form):
    """The words, order and page of a search; the facets belong to MissionFilterSet."""

    q = forms.CharField(label=_("Search"), required=False)
    sort = forms.ChoiceField(label=_("Sort by"), choices=SORTS, required=False)
    page = forms.IntegerField(min_value=1, required=False)

    def cleaned(self) -> dict:
        """Return q, sort and page, falling back to defaults for anything invalid."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        q = (data.get("q") or "").strip()[:200]  # a longer query only costs time
        # The choice shown stays "relevance" by default, so typing words ranks by relevance;
        # with no words to rank by, relevance falls back to the acronym.
        choice = data.get("sort") or "relevance"
        sort = "acronym" if choice == "relevance" and not q else choice
        return {"q": q, "sort": sort, "sort_choice": choice, "page": data.get("page") or 1}
