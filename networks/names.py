"""The anonymity check of network minutes: case discussion in a network is anonymous, so the
minutes form warns when a word of the minutes equals a given name, family name or alias of a
person in a record the author may see (cases.selectors.persons_visible_to), or sounds like such
a family name (Kölner Phonetik, same first letter: "Meyer" for "Maier").

Only names the author may already see are checked, and the warning quotes the author's own
word, never a record: nothing is revealed. The words are collected into a set and matched in
one query; no person is loaded to compare names in Python."""

from __future__ import annotations

import re

from django.db.models.functions import Substr, Upper

from cases.phonetics import phonetic_key
from cases.selectors import persons_visible_to

MIN_LENGTH = 3
# Words of everyday German (and of the minutes' subject matter) that are also names: a minute
# saying "im Winter" or "ein neuer Termin" is no case discussion by name.
STOP_WORDS = frozenset(
    """
    alle aber auch beim dass denn eine einem einen einer eines frau frank ernst für haben herr
    herrn hier ihre jobcenter jung klein kurz lang mai mann nach neu nicht noch oder sehr sind
    sommer stand termin treffen und von vom wie will winter wird zum zur
    """.split()
)
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")


def words_of(text: str) -> dict[str, str]:
    """Upper-cased candidate words -> the word as written (the first time)."""
    found: dict[str, str] = {}
    for match in _WORD.finditer(text or ""):
        word = match.group(0)
        for candidate in {word, *word.split("-")}:
            if len(candidate) >= MIN_LENGTH and candidate.lower() not in STOP_WORDS:
                found.setdefault(candidate.upper(), candidate)
    return found


def names_in(text: str, *, author) -> list[str]:
    """The words of `text` (as written) that name a person the author may see, in text order.
    A few queries whose answers are bounded by the words of the text, never by the number of
    persons with a common name."""
    words = words_of(text)
    if not words:
        return []
    by_key: dict[str, list[str]] = {}
    for word in words.values():
        if key := phonetic_key(word):
            by_key.setdefault(key, []).append(word)
    # Only the author's own words leave this function, no record's data: nothing to log.
    persons = persons_visible_to(user=author).unreported().order_by()
    hits: set[str] = set()
    for field in ("given_name", "family_name", "alias"):
        found = persons.annotate(name=Upper(field)).filter(name__in=list(words)).values_list("name", flat=True)
        hits.update(words[name] for name in found.distinct())
    if by_key:
        sounds = (
            persons.filter(family_phonetic__in=list(by_key))
            .annotate(initial=Upper(Substr("family_name", 1, 1)))
            .values_list("family_phonetic", "initial")
            .distinct()
        )
        for key, initial in sounds:
            hits.update(word for word in by_key[key] if word[0].upper() == initial)
    order = {word: index for index, word in enumerate(words.values())}
    return sorted(hits, key=order.__getitem__)
