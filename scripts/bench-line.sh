#!/usr/bin/env bash
# LINE gateway benchmark (never part of the test suite): webhook acknowledgement latency while
# Rasa is saturated by concurrent conversations. Prints figures; about 2-4 minutes.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
ensure_bot_env
ensure_model
ensure_app_env
export MODEL_PATH
"$APP_PY" -m tests.bench.line_bench
