"""Text typed by staff: Markdown-lite for notes (a small subset of Markdown rendered to HTML,
then sanitized with an allow-list, so script or markup typed into a note is shown harmlessly,
never run), and the minutes of meetings as stored."""

import markdown
import nh3
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

ALLOWED_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "code", "blockquote", "a"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}


def markdown_lite(text: str) -> str:
    html = markdown.markdown(text or "", extensions=["sane_lists", "nl2br"], output_format="html")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


def minutes_text(text: str | None, *, limit: int) -> str:
    """Minutes as stored (a conference's, a network meeting's): Unix line ends, at most `limit`
    characters (ValidationError at the field `minutes` otherwise)."""
    text = (text or "").replace("\r\n", "\n")
    if len(text) > limit:
        raise ValidationError({"minutes": _("The minutes may hold at most %(n)d characters.") % {"n": limit}})
    return text
