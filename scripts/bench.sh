#!/usr/bin/env bash
# make bench: benchmarks on PostgreSQL and Redis; JSON results under var/bench/.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH"
eval "$(python scripts/ensure_services.py --services-only)"
# Pages are rendered with the manifest storage: collect the static files first.
NOTLAGEN_MODE=development python manage.py collectstatic --noinput -v0
python -m bench.notification_latency
python -m bench.visible_cases "$@"
python -m bench.case_list
python -m bench.access_log
python -m bench.case_workspace
python -m bench.payments
python -m bench.referrals
python -m bench.api_cases
python -m bench.retention_rate
python -m bench.reports_city
python -m bench.load  # about 5 min: Locust against gunicorn, 10/25/50/100 staff
