"""Kölner Phonetik keys of German names, for the duplicate check."""

import cologne_phonetics


def phonetic_key(name: str) -> str:
    """Codes of the name's words, joined: "Müller-Lüdenscheidt" -> "657 52682"."""
    if not name or not name.strip():
        return ""
    return " ".join(code for _word, code in cologne_phonetics.encode(name.strip()) if code)
