"""JSON bodies, refused cleanly when they are not: DRF's parser lets a deeply nested document
(a few kilobytes of "[") end in a RecursionError, a server error."""

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class StrictJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - too deeply nested") from None
