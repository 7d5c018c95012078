# The API image for production-like runs (docker-compose.yml). Configuration comes from the environment.

# The staff console's scripts (Firebase JS SDK compat bundles, htmx), pinned by their lock file; the
# console serves them itself.
FROM node:20-slim AS console-assets
WORKDIR /assets
COPY scripts/console-assets/package.json scripts/console-assets/package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error

FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# Headless Chromium and the Noto fonts (Naskh and Nastaliq for Urdu) print the MP brief as PDF.
RUN apt-get update \
    && apt-get install -y --no-install-recommends chromium fonts-noto-core \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml constraints.txt README.md ./
COPY backend ./backend
COPY schemas ./schemas
COPY scripts ./scripts
COPY --from=console-assets /assets/node_modules/firebase/firebase-app-compat.js /assets/node_modules/firebase/firebase-auth-compat.js ./tools/console-assets/node_modules/firebase/
COPY --from=console-assets /assets/node_modules/htmx.org/dist/htmx.min.js ./tools/console-assets/node_modules/htmx.org/dist/
COPY --from=console-assets /assets/node_modules/@fontsource/ ./tools/console-assets/node_modules/@fontsource/
RUN pip install -c constraints.txt . \
    && useradd --system --uid 10001 hamqadam
USER hamqadam

EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=3s --retries=3 \
    CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz').status != 200)"
# Several worker processes (WEB_CONCURRENCY, uvicorn's own variable; 2 by default here) on uvloop and
# httptools; timer jobs and alert delivery take turns through leases, so each runs once across them.
ENV WEB_CONCURRENCY=2
CMD ["uvicorn", "backend.main:app", "--host", "0.0.0.0", "--port", "8000", "--proxy-headers", "--no-access-log", "--loop", "uvloop", "--http", "httptools"]
