"""The German interface is complete: every message has its German translation (none fuzzy), and
no template carries words outside gettext — in either language — except a few proper names."""

import re
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "locale" / "de" / "LC_MESSAGES" / "django.po"
# Names and symbols that are the same in every language.
# Language names stay in their own language in the switcher.
ALLOWED_WORDS = {"Notlagen", "KERN", "UX", "DSGVO", "SGB", "PDF", "CSV", "Art", "TOTP", "QR", "Deutsch", "English"}


def test_every_message_has_its_german_translation():
    catalogue = polib.pofile(str(CATALOGUE))
    missing = [e.msgid for e in catalogue if not e.obsolete and (not e.translated() or "fuzzy" in e.flags)]
    assert not missing, f"translate these in {CATALOGUE.relative_to(ROOT)}: {missing[:20]}"


def _templates():
    for path in sorted(ROOT.glob("*/templates/**/*.html")):
        if ".venv" not in path.parts:
            yield path


def _text_outside_gettext(source: str) -> list[str]:
    source = re.sub(r"{% *blocktranslate.*?{% *endblocktranslate *%}", " ", source, flags=re.S)
    source = re.sub(r"{#.*?#}|{%.*?%}|{{.*?}}", " ", source, flags=re.S)
    source = re.sub(r"<script.*?</script>|<style.*?</style>", " ", source, flags=re.S)
    source = re.sub(r"<[^>]*>", " ", source, flags=re.S)
    source = re.sub(r"&[a-z]+;|&#\d+;", " ", source)
    return [w for w in re.findall(r"[A-Za-zÄÖÜäöüß]{2,}", source) if w not in ALLOWED_WORDS]


def test_no_template_carries_text_outside_gettext():
    found = {str(p.relative_to(ROOT)): words for p in _templates() if (words := _text_outside_gettext(p.read_text()))}
    assert not found, f"put these words through {{% translate %}}: {found}"
