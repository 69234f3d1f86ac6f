"""Every object type the code writes into the access log has a readable name on the auditors'
pages: the rule table's types and every `object_type="..."` literal in the sources."""

import re
from pathlib import Path

from access.rules import RULES
from audit.templatetags.audit_labels import OBJECT_TYPES

ROOT = Path(__file__).resolve().parent.parent
_LITERAL = re.compile(r'object_type="([a-z_]+)"')
_SKIP = {".venv", "var", "tests", "bench", "node_modules"}


def _written_types() -> set[str]:
    found = {rule.object_type for rule in RULES.values()}
    for path in ROOT.rglob("*.py"):
        if _SKIP.isdisjoint(path.relative_to(ROOT).parts):
            found |= set(_LITERAL.findall(path.read_text(encoding="utf-8")))
    return found


def test_every_logged_object_type_has_a_label():
    missing = _written_types() - set(OBJECT_TYPES)
    assert not missing, f"add labels to audit/templatetags/audit_labels.py: {sorted(missing)}"
