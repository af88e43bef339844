"""The French catalogue covers every string the analyst UI marks for translation."""

import re
from pathlib import Path

from django.conf import settings

UI_SOURCES = re.compile(
    r"templates/(?!admin/)|missions/views\.py|missions/forms\.py|reports/views\.py"
)


def catalogue_entries(language: str):
    path = Path(settings.BASE_DIR) / "locale" / language / "LC_MESSAGES" / "django.po"
    for block in path.read_text(encoding="utf-8").split("\n\n")[1:]:
        references = " ".join(line for line in block.splitlines() if line.startswith("#:"))
        msgid = re.search(r'^msgid "(.*)"', block, re.M)
        if not msgid or not UI_SOURCES.search(references):
            continue
        translations = re.findall(r'^msgstr(?:\[\d\])? ((?:".*"\n?)+)', block, re.M)
        text = ["".join(re.findall(r'"(.*)"', t)) for t in translations]
        yield references, block, text


def test_every_ui_string_has_a_french_translation():
    missing = [
        block.splitlines()[-1]
        for _refs, block, text in catalogue_entries("fr")
        if "fuzzy" in block or not all(text)
    ]
    assert missing == []


def test_the_compiled_catalogue_is_the_one_in_use():
    from django.utils import translation

    with translation.override("fr"):
        assert translation.gettext("Lineage of UN presences") == (
            "Lignée des présences des Nations Unies"
        )
    with translation.override("en"):
        assert translation.gettext("Lineage of UN presences") == "Lineage of UN presences"
