#!/usr/bin/env bash
# Runs every check on a fresh machine. First the fast stage (scripts/check.sh: lint, validators,
# unit, component and action tests on both interpreters), so a typo fails in seconds; then
# training when the model's inputs changed, Rasa's story tests and the held-out NLU evaluation,
# and one pytest run in the application environment over everything that needs servers: real
# Redis, the trained Rasa server (Python 3.10) and the action server (Python 3.12) over HTTP,
# the LINE gateway with a fake LINE API, the officers' console, the widget in Chromium.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

bash "$ROOT/scripts/check.sh"
ensure_chromium
RASA="$BOT_VENV/bin/rasa"

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
log "pytest, Python 3.12: integration, end-to-end, LINE, console (real Redis and servers)"
"$APP_PY" -m pytest tests/integration tests/line tests/console tests/e2e -p no:cacheprovider -q "$@"
