#!/usr/bin/env bash
# Create the virtualenv. Debian ships venv as a separate package: install it when we may.
set -euo pipefail
python=${1:-python3}
venv=${2:-.venv}
command -v "$python" >/dev/null || { echo "Python 3.11 is needed: apt-get install python3" >&2; exit 1; }
"$python" -c 'import sys; assert sys.version_info[:2] >= (3, 11), sys.version' 2>/dev/null \
  || { echo "Python 3.11 or newer is needed (found $("$python" --version 2>&1))." >&2; exit 1; }
if ! "$python" -m venv "$venv" 2>/dev/null; then
  rm -rf "$venv"
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing python3-venv with apt-get ..."
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
    "$python" -m venv "$venv"
  else
    echo "The venv module is missing: sudo apt-get install python3-venv" >&2
    exit 1
  fi
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
