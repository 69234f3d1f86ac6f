#!/usr/bin/env bash
# make demo: the embedded default (SQLite, filesystem broker), real worker and beat.
set -euo pipefail
cd "$(dirname "$0")/.."
set -a; . ./demo.env; set +a
export PATH="$PWD/.venv/bin:$PATH"
mkdir -p var/mail
python manage.py compile_translations >/dev/null
python manage.py migrate --noinput -v0
python manage.py collectstatic --noinput -v0
python manage.py load_demo_data
cat <<MSG

  Notlagen demo: http://127.0.0.1:8000/
  Mails are written to var/mail/. The second factor is relaxed by NOTLAGEN_DEMO_RELAX_SECOND_FACTOR=true.
  Stop with Ctrl+C.

MSG
exec honcho -f Procfile.demo -e demo.env start
