#!/usr/bin/env bash
# The fast check stage (make check, and the first stage of make test): lint, the knowledge and
# events validators, Rasa's data validation, and the tests that need no trained model or
# server — market_entry's unit tests on both interpreters (3.12 and Rasa's 3.10), the NLU
# components inside Rasa's environment, and every action with rasa-sdk trackers.
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

log "Rasa data validation"
"$BOT_VENV/bin/rasa" data validate --domain bot/domain.yml --data data --config config.yml \
  --fail-on-warnings --quiet

log "pytest, Python 3.12: unit and action tests"
"$APP_PY" -m pytest tests/unit tests/actions -p no:cacheprovider -q -x

log "pytest, Python 3.10 (the Rasa server's): market_entry unit tests and the NLU components"
"$BOT_PY" -m pytest tests/unit tests/components -p no:cacheprovider -q -x

log "Fast checks passed in $((SECONDS - started)) s"
