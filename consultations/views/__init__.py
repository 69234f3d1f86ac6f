"""Pages of consultation hours: public ones without login (public), the staff's (manage,
work) and the uptake report (report)."""
