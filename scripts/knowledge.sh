#!/usr/bin/env bash
# The knowledge staff's tool, with the environment set up first:
#   bash scripts/knowledge.sh validate | stale | import URL --market jp --topic labelling | coverage | gaps
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_bot_env
cd "$ROOT"
exec "$BOT_PY" -m market_entry.knowledge_tool "$@"
