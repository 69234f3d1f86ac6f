#!/usr/bin/env bash
# make test: services, lint, the whole suite on PostgreSQL and Redis.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH"
eval "$(python scripts/ensure_services.py)"
export DJANGO_SETTINGS_MODULE=notlagen.test_settings
echo "== ruff"
ruff check .
ruff format --check .
echo "== translations"
python manage.py compile_translations >/dev/null
echo "== migrations are complete"
python manage.py makemigrations --check --dry-run >/dev/null 2>&1 || {
  echo "Models changed without a migration:"; python manage.py makemigrations --dry-run; exit 1; }
echo "== pytest"
mkdir -p var
python -m pytest "$@"
