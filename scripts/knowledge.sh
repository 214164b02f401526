#!/usr/bin/env bash
# The knowledge staff's tool, with the application environment set up first:
#   bash scripts/knowledge.sh validate | review | record ID --by NAME | stale | gaps | import URL ... | coverage
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_app_env
cd "$ROOT"
exec "$APP_PY" -m market_entry.knowledge_tool "$@"
