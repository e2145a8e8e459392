"""Dates as the whole site writes them: "5 Dec 2026" and "5 Dec 2026, 14:30 UTC" (the admin's
lists, forms and history, and editorial.workflow.moment)."""

DATE_FORMAT = SHORT_DATE_FORMAT = "j M Y"
DATETIME_FORMAT = SHORT_DATETIME_FORMAT = "j M Y, H:i T"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "j M"
YEAR_MONTH_FORMAT = "M Y"
