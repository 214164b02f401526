# The services environment (LINE gateway and worker): current Python with line-bot-sdk v3 and
# pydantic 2, which cannot share the bot image's Rasa 3.6 pins.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PYTHONPATH=/app
WORKDIR /app

COPY requirements/services.lock requirements/services.lock
RUN pip install --no-cache-dir --upgrade "pip<25" "setuptools<71" "wheel==0.45.1" \
 && pip install --no-cache-dir --no-deps -r requirements/services.lock

COPY services services

RUN useradd --system --uid 10002 --home-dir /app line
USER line
