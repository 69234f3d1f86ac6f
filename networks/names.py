"""The anonymity check of network minutes: case discussion in a network is anonymous, so the
minutes form warns when a word of the minutes equals a given name, family name or alias of a
person in a record the author may see (cases.selectors.persons_visible_to), or sounds like such
a family name (Kölner Phonetik, same first letter: "Meyer" for "Maier").

Only names the author may already see are checked, and the warning quotes the author's own
word, never a record: nothing is revealed. The words are collected into a set and matched in
one query; no person is loaded to compare names in Python."""

from __future__ import annotations

import re

from django.db.models import Q
from django.db.models.functions import Upper

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
    """The words of `text` (as written) that name a person the author may see, in text order."""
    words = words_of(text)
    if not words:
        return []
    keys = {phonetic_key(word): word for word in words.values()}
    keys.pop("", None)
    upper = list(words)
    rows = (
        persons_visible_to(user=author)
        .unreported()  # only the author's own words leave this function, no record's data
        .annotate(g=Upper("given_name"), f=Upper("family_name"), a=Upper("alias"))
        .filter(Q(g__in=upper) | Q(f__in=upper) | Q(a__in=upper) | Q(family_phonetic__in=list(keys)))
        .values_list("g", "f", "a", "family_phonetic")
        .distinct()[:200]
    )
    hits: set[str] = set()
    for given, family, alias, phonetic in rows:
        hits.update(words[name] for name in (given, family, alias) if name in words)
        word = keys.get(phonetic)
        if word is not None and family and word[0].upper() == family[0]:
            hits.add(word)
    order = {word: index for index, word in enumerate(words.values())}
    return sorted(hits, key=order.__getitem__)
