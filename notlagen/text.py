"""Markdown-lite for notes: a small subset of Markdown rendered to HTML, then sanitized with an
allow-list, so script or markup typed into a note is shown harmlessly, never run."""

import markdown
import nh3

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
