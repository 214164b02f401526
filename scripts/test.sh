#!/usr/bin/env bash
# Runs every check on a fresh machine: sets up the bot environment, lints, validates the
# knowledge packs and Rasa data, trains the model when its inputs changed, runs Rasa's story
# tests and the held-out NLU evaluation, then one pytest run over unit, action and end-to-end
# tests (real Redis, real Rasa and action servers over HTTP). The LINE channel's tests
# (tests/line) and the officers' console's (tests/console) run first, in the services environment
# (line-bot-sdk v3 cannot share the bot's), so that the last pytest summary line is the bot suite's.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

ensure_bot_env
ensure_chromium
RASA="$BOT_VENV/bin/rasa"

log "Lint (ruff)"
"$BOT_VENV/bin/ruff" check .

log "Knowledge packs"
"$BOT_PY" -m market_entry.knowledge_tool validate

log "Events catalogue"
"$BOT_PY" -m market_entry.events validate

log "Rasa data validation"
"$RASA" data validate --domain bot/domain.yml --data data --config config.yml --fail-on-warnings --quiet

ensure_model

log "Story tests (rasa test core)"
rm -rf results && mkdir -p results
"$RASA" test core --model "$MODEL_PATH" --stories tests/stories --out results/core \
  --fail-on-prediction-errors --quiet

log "Held-out NLU evaluation (tests/nlu/holdout.yml, never trained on)"
"$RASA" test nlu --model "$MODEL_PATH" --domain bot/domain.yml --nlu tests/nlu/holdout.yml --out results/nlu --quiet \
  >/dev/null
"$BOT_PY" scripts/nlu_report.py results/nlu

export MODEL_PATH
log "pytest (services environment): the LINE gateway and worker (tests/line)"
ensure_services_env
"$SERVICES_PY" -m pytest tests/line -p no:cacheprovider -q

log "pytest (services environment): the trade officers' console (tests/console)"
"$SERVICES_PY" -m pytest tests/console -p no:cacheprovider -q

log "pytest: unit, actions and end-to-end"
"$BOT_PY" -m pytest tests --ignore=tests/line --ignore=tests/console -p no:cacheprovider -q "$@"
