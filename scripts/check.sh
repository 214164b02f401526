#!/usr/bin/env bash
# The fast check stage (make check, and the first stage of make test): lint, the knowledge and
# events validators, then — side by side, one per core — Rasa's data validation with
# market_entry's unit tests and the NLU components on the Rasa server's Python 3.10, and the unit
# and action tests on the application's Python 3.12. Nothing here needs a trained model or a
# server, so a typo fails in about a minute.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
started=$SECONDS

ensure_bot_env
ensure_app_env

log "Lint (ruff)"
"$APP_VENV/bin/ruff" check .

log "Knowledge packs: schema, consistency of key facts, sources and review dates"
"$APP_PY" -m market_entry.knowledge_tool validate
"$APP_PY" -m market_entry.knowledge_tool stale --strict >/dev/null || {
  "$APP_PY" -m market_entry.knowledge_tool stale --strict; exit 1; }

log "Events catalogue"
"$APP_PY" -m market_entry.events validate

logs="$(mktemp -d)"
trap 'rm -rf "$logs"' EXIT
log "In parallel: Python 3.10 (Rasa data validation, unit and NLU-component tests) and Python 3.12 (unit and action tests)"
(
  "$BOT_VENV/bin/rasa" data validate --domain bot/domain.yml --data data --config config.yml \
    --fail-on-warnings --quiet &&
  "$BOT_PY" -m pytest tests/unit tests/components -p no:cacheprovider -q -x
) >"$logs/bot.log" 2>&1 &
bot_pid=$!
app_status=0
"$APP_PY" -m pytest tests/unit tests/actions -p no:cacheprovider -q -x >"$logs/app.log" 2>&1 || app_status=$?
bot_status=0
wait "$bot_pid" || bot_status=$?
for side in app bot; do
  status_var="${side}_status"
  if [ "${!status_var}" != 0 ]; then
    log "Failed ($side):"; tail -n 60 "$logs/$side.log" >&2
  else
    log "$side: $(grep -E '[0-9]+ passed' "$logs/$side.log" | tail -n 1)"
  fi
done
[ "$app_status" = 0 ] && [ "$bot_status" = 0 ] || exit 1
log "Fast checks passed in $((SECONDS - started)) s"
