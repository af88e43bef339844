# The registry's image: web, worker and beat all run it (bin/entrypoint picks the role).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
RUN groupadd --system app && useradd --system --gid app --home-dir /app --shell /usr/sbin/nologin app

COPY . .
RUN pip install .
# Static files are collected at build time; whitenoise serves them compressed and hashed.
RUN SECRET_KEY=collectstatic-only DEBUG=0 python manage.py collectstatic --noinput \
    && chown -R app:app /app

USER app
EXPOSE 8000
ENTRYPOINT ["/app/bin/entrypoint"]
CMD ["web"]
