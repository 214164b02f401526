# syntax=docker/dockerfile:1
# One image for both the Rasa server and the action server; docker-compose.yml picks the command.
# Build from the repository root:  docker compose build   (or: docker build -f docker/bot.Dockerfile .)
FROM python:3.10-slim

# The same settings scripts/lib.sh gives the local run. PYTHONPATH: Rasa loads the custom
# components, channels and stores (bot.*) by module path, and its console script does not put
# the working directory on sys.path.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PYTHONPATH=/app \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore \
    RASA_TELEMETRY_ENABLED=false \
    TF_CPP_MIN_LOG_LEVEL=2 \
    SQLALCHEMY_SILENCE_UBER_WARNING=1 \
    PYTHONWARNINGS="ignore::DeprecationWarning,ignore::UserWarning:pkg_resources"

RUN groupadd --system --gid 10001 bot \
 && useradd --system --uid 10001 --gid bot --create-home --home-dir /home/bot \
      --shell /usr/sbin/nologin bot

WORKDIR /app

# Dependencies before the code, so a code change does not reinstall them. The lock file is
# complete and pinned (hence --no-deps); the build tools are pinned as in ensure_bot_env.
COPY requirements/bot.lock requirements/bot.lock
RUN python -m pip install --upgrade "pip<25" "setuptools<71" "wheel==0.45.1" \
 && python -m pip install --no-deps -r requirements/bot.lock

COPY market_entry market_entry
COPY bot bot
COPY actions actions
COPY knowledge knowledge
COPY config.yml config.yml
COPY data data
COPY scripts scripts

# Train at build time so every container (and every Rasa replica) starts from the same model.
# Runs as root: the code and the model stay read-only for the runtime user. The training cache
# is only useful for retraining, so it does not ship.
RUN rasa train --config config.yml --domain bot/domain.yml --data data --out models \
      --fixed-model-name assistant \
 && test -f models/assistant.tar.gz \
 && rm -rf .rasa

USER bot
EXPOSE 5005 5055
