#!/usr/bin/env bash
# Benchmarks (never part of the test suite): latency, throughput, retrieval time, training time
# and memory, against a stock `rasa init` bot measured in the same run. Takes about 6 minutes.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
ensure_bot_env
ensure_app_env
ensure_model
export MODEL_PATH
"$APP_PY" -m tests.bench.run_bench
