#!/usr/bin/env bash
# The owner-question evaluation (tests/eval): starts Redis, the action server and the Rasa server
# with the trained model, asks every case of the split and prints the right-answer rates.
#   make eval            # dev split, failures listed (tune on this one)
#   SPLIT=test make eval # the test split: figures only, for reporting
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
ensure_bot_env
ensure_app_env
ensure_model
export MODEL_PATH
"$APP_PY" -m tests.eval.run_eval --split "${SPLIT:-dev}" "$@"
