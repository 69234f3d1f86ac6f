"""Committee reports, retention and a person's requests under Art. 15-18 GDPR."""

from .env import env_int, env_str

# Committee reports: counts below this are shown as "< N" (and more cells hidden so none can be
# worked out); periods longer than REPORTS_INLINE_MAX_DAYS, and the city's figures, are computed
# by the worker with a progress bar.
REPORTS_MINIMUM_COUNT = env_int("REPORTS_MINIMUM_COUNT", 5, minimum=3)
REPORTS_INLINE_MAX_DAYS = env_int("REPORTS_INLINE_MAX_DAYS", 92, minimum=1)

# Retention: cases per batch of the daily job (one transaction and one access-log entry each).
RETENTION_BATCH_SIZE = env_int("RETENTION_BATCH_SIZE", 500, minimum=1)

# The controller named on a person's data report (Art. 15); empty: the officer's agency.
PRIVACY_CONTROLLER = env_str("PRIVACY_CONTROLLER", "")
