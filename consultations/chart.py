"""The uptake chart is drawn by reports.charts (one SVG bar chart for every report); this name
stays for the modules that import it here."""

from reports.charts import bars_svg

__all__ = ["bars_svg"]
