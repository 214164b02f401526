#!/usr/bin/env bash
# Rebuilds a lock file from its top-level requirements: a fresh venv, `pip install -r X.in`,
# then `pip freeze` into X.lock (which `make run` / `make test` install with --no-deps).
#   bash scripts/lock-env.sh bot   # requirements/bot.in -> bot.lock (Python 3.10, the Rasa server)
#   bash scripts/lock-env.sh app   # requirements/app.in -> app.lock (Python 3.12, everything else)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
which="${1:?usage: lock-env.sh bot|app}"
case "$which" in
  bot) py="$(find_python310)" || die "Python 3.10 not found" ;;
  app) py="$(find_python312)" || die "Python 3.12 not found" ;;
  *) die "usage: lock-env.sh bot|app" ;;
esac
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
log "Resolving requirements/$which.in with $("$py" --version)"
"$py" -m venv "$tmp/venv"
"$tmp/venv/bin/python" -m pip install -q --upgrade "pip<25" "setuptools<71" "wheel==0.45.1"
"$tmp/venv/bin/python" -m pip install -q -r "$ROOT/requirements/$which.in"
{
  echo "# pip freeze of a fresh venv built from requirements/$which.in by scripts/lock-env.sh $which"
  "$tmp/venv/bin/python" -m pip freeze --exclude-editable | grep -v '^-e '
} > "$ROOT/requirements/$which.lock"
log "Wrote requirements/$which.lock ($(grep -c '==' "$ROOT/requirements/$which.lock") packages)"
