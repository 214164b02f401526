#!/usr/bin/env bash
# Sets up everything on a fresh machine and runs the assistant:
# Redis (unless REDIS_URL is given), the action server (Python 3.12), and the Rasa server
# (Python 3.10) with the REST and
# socket.io channels, and the LINE gateway and worker when LINE_CHANNEL_SECRET and
# LINE_CHANNEL_ACCESS_TOKEN are set (docs/line.md), and the trade officers' console when
# CONSOLE_SECRET_KEY is set (docs/console.md). Ctrl-C stops all of it.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

RASA_PORT="${RASA_PORT:-5005}"
ACTION_PORT="${ACTION_PORT:-5055}"
RASA_HOST="${RASA_HOST:-127.0.0.1}"
WEB_PORT="${WEB_PORT:-8080}"
# The demo page (web/demo/) is served from WEB_PORT: allow it to use the web chat by default.
export CORS_ORIGINS="${CORS_ORIGINS:-http://localhost:$WEB_PORT http://127.0.0.1:$WEB_PORT}"
export MAX_MESSAGE_CHARS="${MAX_MESSAGE_CHARS:-1000}"

ensure_bot_env
ensure_app_env
LINE_ON=""
if [ -n "${LINE_CHANNEL_SECRET:-}" ] && [ -n "${LINE_CHANNEL_ACCESS_TOKEN:-}" ]; then
  LINE_ON=1
  LINE_PORT="${LINE_PORT:-8081}"
fi
CONSOLE_ON=""
if [ -n "${CONSOLE_SECRET_KEY:-}" ]; then
  CONSOLE_ON=1
  export CONSOLE_PORT="${CONSOLE_PORT:-8090}"
fi

pids=()
cleanup() {
  trap - EXIT INT TERM
  log "Stopping"
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [ -n "${OWN_REDIS_DIR:-}" ] && stop_redis "$OWN_REDIS_DIR"
}
trap cleanup EXIT INT TERM

if [ -z "${REDIS_URL:-}" ]; then
  OWN_REDIS_DIR="$ROOT/.data/redis"
  port="${REDIS_PORT:-6379}"
  start_redis "$port" "$OWN_REDIS_DIR"
  export REDIS_URL="redis://127.0.0.1:$port/0"
else
  wait_for_redis "$REDIS_URL"
fi

ensure_model
token="$(api_token)"
export ACTION_ENDPOINT_URL="${ACTION_ENDPOINT_URL:-http://127.0.0.1:$ACTION_PORT/webhook}"

log "Starting the action server on 127.0.0.1:$ACTION_PORT (Python 3.12, rasa-sdk)"
(cd "$ROOT" && SANIC_HOST=127.0.0.1 exec "$APP_PY" -m actions.server --port "$ACTION_PORT") &
pids+=($!)
wait_for_http "http://127.0.0.1:$ACTION_PORT/health" "The action server" "${pids[-1]}"

cors=()
[ -n "${CORS_ORIGINS:-}" ] && cors=(--cors $CORS_ORIGINS)
log "Starting the Rasa server on $RASA_HOST:$RASA_PORT"
(cd "$ROOT" && exec "$BOT_VENV/bin/rasa" run --model "$MODEL_PATH" \
   --endpoints bot/endpoints.yml --credentials bot/credentials.yml \
   --logging-config-file bot/logging.yml \
   --interface "$RASA_HOST" --port "$RASA_PORT" --enable-api --auth-token "$token" \
   "${cors[@]}" --quiet) &
pids+=($!)
wait_for_http "http://127.0.0.1:$RASA_PORT/" "The Rasa server" "${pids[-1]}"

log "Serving the widget and its demo page on 127.0.0.1:$WEB_PORT"
(cd "$ROOT" && exec "$BOT_PY" -m http.server "$WEB_PORT" --bind 127.0.0.1 --directory web >/dev/null 2>&1) &
pids+=($!)

if [ -n "$LINE_ON" ]; then
  export LINE_PORT RASA_URL="${RASA_URL:-http://127.0.0.1:$RASA_PORT}"
  log "Starting the LINE gateway on ${LINE_HOST:-127.0.0.1}:$LINE_PORT and one worker"
  (cd "$ROOT" && exec "$APP_PY" -m services.line_gateway.app) &
  pids+=($!)
  wait_for_http "http://127.0.0.1:$LINE_PORT/health" "The LINE gateway" "${pids[-1]}"
  (cd "$ROOT" && exec "$APP_PY" -m services.line_gateway.worker) &
  pids+=($!)
  line_note="LINE webhook:           http://127.0.0.1:$LINE_PORT/line/webhook (expose it as https://<host>/line/webhook)"
else
  line_note="LINE is off: set LINE_CHANNEL_SECRET and LINE_CHANNEL_ACCESS_TOKEN to start the LINE gateway (docs/line.md)."
fi

if [ -n "$CONSOLE_ON" ]; then
  log "Starting the trade officers' console on ${CONSOLE_HOST:-127.0.0.1}:$CONSOLE_PORT"
  (cd "$ROOT" && exec "$APP_PY" -m services.console.app) &
  pids+=($!)
  wait_for_http "http://127.0.0.1:$CONSOLE_PORT/health" "The console" "${pids[-1]}"
  console_note="Officers' console:      http://127.0.0.1:$CONSOLE_PORT/ (accounts: docs/console.md)"
else
  console_note="The officers' console is off: set CONSOLE_SECRET_KEY to start it on port ${CONSOLE_PORT:-8090} (docs/console.md)."
fi

cat >&2 <<TXT

  The assistant is running.
    Chat in this terminal:  $BOT_PY scripts/chat.py
    REST channel:           curl -s localhost:$RASA_PORT/webhooks/rest/webhook \\
                              -H 'Content-Type: application/json' \\
                              -d '{"sender":"me","message":"我們是做小家電的，想賣到日本需要什麼認證？"}'
    Web widget demo page:   http://localhost:$WEB_PORT/demo/
    socket.io channel:      ws://localhost:$RASA_PORT/socket.io
    HTTP API token:         in .secrets/rasa_api_token (or RASA_API_TOKEN)
    $line_note
    $console_note
  Ctrl-C stops everything.

TXT
wait -n "${pids[@]}"
log "A service exited; stopping the others."
