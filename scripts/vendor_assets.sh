#!/usr/bin/env bash
# Refresh the vendored front-end files (no CDN at run time: the app runs in intranets with a
# strict CSP). Run `make vendor` after bumping a version below, look at the app, commit.
set -euo pipefail
KERN_VERSION=2.7.2
HTMX_VERSION=2.0.11

root=$(cd "$(dirname "$0")/.." && pwd)
dest="$root/notlagen/static/vendor"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
command -v npm >/dev/null || { echo "npm is needed to refresh vendored assets (apt-get install npm)." >&2; exit 1; }

cd "$work"
npm pack --silent "@kern-ux/native@$KERN_VERSION" "htmx.org@$HTMX_VERSION" >/dev/null
mkdir kern htmx
tar xzf kern-ux-native-$KERN_VERSION.tgz -C kern
tar xzf htmx.org-$HTMX_VERSION.tgz -C htmx

rm -rf "$dest/kern" "$dest/htmx"
mkdir -p "$dest/kern/fonts/fira-sans" "$dest/htmx"
cp kern/package/dist/kern.min.css kern/package/LICENSE.md "$dest/kern/"
cp kern/package/dist/fonts/fira-sans.css "$dest/kern/fonts/"
# Only the font files the stylesheet references.
grep -oE 'fira-sans/[A-Za-z-]+\.woff2' kern/package/dist/fonts/fira-sans.css | sort -u | while read -r f; do
  cp "kern/package/dist/fonts/$f" "$dest/kern/fonts/$f"
done
cp htmx/package/dist/htmx.min.js "$dest/htmx/"
cp htmx/package/LICENSE "$dest/htmx/LICENSE" 2>/dev/null || true
printf 'kern-ux/native %s\nhtmx.org %s\n' "$KERN_VERSION" "$HTMX_VERSION" > "$dest/VERSIONS"
echo "Vendored @kern-ux/native $KERN_VERSION and htmx.org $HTMX_VERSION into notlagen/static/vendor/."
