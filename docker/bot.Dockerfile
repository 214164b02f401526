# syntax=docker/dockerfile:1
# The Rasa image: ONLY the Rasa 3.6 server (`rasa run`) with our NLU components, channels and
# Redis stores (bot/), on Python 3.10 — the one interpreter Rasa 3.6 still supports. Everything
# else (action server, LINE, console, knowledge tools) runs from docker/app.Dockerfile on 3.12;
# the two meet only over HTTP and Redis. The model is trained here, at build time, so every
# container and every replica starts from the same model.
# Build from the repository root:  docker compose build rasa
#                                  (or: docker build -f docker/bot.Dockerfile -t assistant-rasa .)
FROM python:3.10-slim

# The settings scripts/lib.sh gives the local run. PYTHONPATH: Rasa loads the custom components,
# channels and stores (bot.*) by module path, and its console script does not put the working
# directory on sys.path.
ENV PYTHONDONTWRITEBYTECODE=1 \
    OPENBLAS_NUM_THREADS=1 \
    OMP_NUM_THREADS=1 \
    MKL_NUM_THREADS=1 \
    PYTHONUNBUFFERED=1 \
    PYTHONPATH=/app \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore \
    RASA_TELEMETRY_ENABLED=false \
    TF_CPP_MIN_LOG_LEVEL=2 \
    SQLALCHEMY_SILENCE_UBER_WARNING=1 \
    PYTHONWARNINGS="ignore::DeprecationWarning,ignore::UserWarning:pkg_resources" \
    KNOWLEDGE_DIR=/app/knowledge \
    HOME=/home/bot

RUN groupadd --system --gid 10001 bot \
 && useradd --system --uid 10001 --gid bot --create-home --home-dir /home/bot \
      --shell /usr/sbin/nologin bot

WORKDIR /app

# Dependencies before the code, so a code change does not reinstall them. The lock file is
# complete and pinned (hence --no-deps); the build tools are pinned as in scripts/lib.sh.
COPY requirements/bot.lock requirements/bot.lock
RUN python -m pip install --upgrade "pip<25" "setuptools<71" "wheel==0.45.1" \
 && python -m pip install --no-deps -r requirements/bot.lock

# What the Rasa server loads: the pure domain package (the NLU components use it), bot/ (domain,
# endpoints, credentials, components, channels, stores), the knowledge packs (the tokenizer's and
# the gazetteer's words; reloaded live when a newer copy is mounted over /app/knowledge), and
# the training inputs.
COPY market_entry market_entry
COPY bot bot
COPY knowledge knowledge
COPY config.yml config.yml
COPY data data

# Train at build time. Runs as root: the code and the model stay read-only for the runtime
# user. The training cache is only useful for retraining, so it does not ship.
RUN TF_INTER_OP_PARALLELISM_THREADS=1 TF_INTRA_OP_PARALLELISM_THREADS=1 TF_DETERMINISTIC_OPS=1 \
    rasa train --config config.yml --domain bot/domain.yml --data data --out models \
      --fixed-model-name assistant \
 && test -f models/assistant.tar.gz \
 && rm -rf .rasa

USER bot
EXPOSE 5005
# The channels only; docker-compose.yml and deploy/k8s/ add the token-protected HTTP API and
# the allowed browser origins.
CMD ["rasa", "run", "--model", "models/assistant.tar.gz", "--endpoints", "bot/endpoints.yml", \
     "--credentials", "bot/credentials.yml", "--interface", "0.0.0.0", "--port", "5005"]
