# syntax=docker/dockerfile:1
# The application image (Python 3.12, requirements/app.lock): everything of ours except the Rasa
# server — the rasa-sdk action server, the LINE gateway and worker (line-bot-sdk v3), the trade
# officers' console and the knowledge tools. One image, several commands (docker-compose.yml and
# deploy/k8s/ pick them):
#   python -m actions.server --port 5055        action server (GET /health)
#   python -m services.line_gateway.app         LINE webhook gateway (GET /health, /line/webhook)
#   python -m services.line_gateway.worker      LINE worker (no HTTP port)
#   python -m services.console.app              officers' console (GET /health)
#   python -m services.console.accounts …       console accounts (one-shot)
#   python -m market_entry.knowledge_tool …     knowledge tools (one-shot)
#   python -m market_entry.leads replay|purge   lead maintenance (one-shot, e.g. from cron)
# It never imports Rasa; it meets the Rasa image only over HTTP and Redis.
# Build from the repository root:  docker compose build actions
#                                  (or: docker build -f docker/app.Dockerfile -t assistant-app .)
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    OPENBLAS_NUM_THREADS=1 \
    OMP_NUM_THREADS=1 \
    MKL_NUM_THREADS=1 \
    PYTHONUNBUFFERED=1 \
    PYTHONPATH=/app \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore \
    KNOWLEDGE_DIR=/app/knowledge \
    LEADS_SPOOL_DIR=/var/lib/assistant/spool \
    HOME=/home/app

RUN groupadd --system --gid 10002 app \
 && useradd --system --uid 10002 --gid app --create-home --home-dir /home/app \
      --shell /usr/sbin/nologin app \
 && install -d -o app -g app -m 0700 /var/lib/assistant /var/lib/assistant/spool

WORKDIR /app

# Dependencies before the code, so a code change does not reinstall them. The lock file is
# complete and pinned (hence --no-deps); the build tools are pinned as in scripts/lib.sh.
COPY requirements/app.lock requirements/app.lock
RUN python -m pip install --upgrade "pip<25" "setuptools<71" "wheel==0.45.1" \
 && python -m pip install --no-deps -r requirements/app.lock

# The code and the data it reads. knowledge/ is the copy the image ships (Kubernetes rolls out a
# new image for a knowledge change); compose mounts the host's knowledge/ over it for live edits.
# web/ is the embeddable widget: on Kubernetes the widget pod copies it from this image, so the
# widget always matches the release.
COPY market_entry market_entry
COPY actions actions
COPY services services
COPY knowledge knowledge
COPY web web

# /var/lib/assistant/spool is the leads spool (LEADS_SPOOL_DIR, personal data, 0700): the action
# server's deployment mounts a volume there, which takes this directory's owner and mode.

USER app
EXPOSE 5055 8081 8090
CMD ["python", "-m", "actions.server", "--port", "5055"]
