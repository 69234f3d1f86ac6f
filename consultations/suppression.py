"""Small-number suppression lives in reports.suppression (one implementation for the uptake
report and the committee reports); this name stays for the modules that import it here."""

from reports.suppression import MINIMUM, PROTECTED, SHOWN, SMALL, Relation, bounds, suppress

__all__ = ["MINIMUM", "PROTECTED", "SHOWN", "SMALL", "Relation", "bounds", "suppress"]
