FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_PROJECT_ENVIRONMENT=/opt/venv \
    UV_PYTHON_DOWNLOADS=never \
    PATH="/opt/venv/bin:$PATH"

RUN pip install --no-cache-dir uv
WORKDIR /app
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project --compile-bytecode
COPY . .
# The app's bytecode too: the image is read-only to the app user, and each gunicorn
# worker would otherwise compile every module from source when it starts.
RUN python -m compileall -q -j0 ropa processing entities reports packs campaigns notices
# Collected with the production storage, so the manifest the app serves from is written.
RUN DJANGO_SETTINGS_MODULE=ropa.settings.production \
    SECRET_KEY=build-only-not-secret-000000000000000000000000000000000 ALLOWED_HOSTS=build \
    python manage.py collectstatic --no-input -v0

# The volumes' mount points, owned by the app's user so that the named volumes are too.
RUN useradd --create-home ropa && mkdir -p /app/var/media /app/var/keys \
    && chown -R ropa /app/var && chmod 700 /app/var/keys
USER ropa
EXPOSE 8000
CMD ["gunicorn", "ropa.wsgi:application", "--config", "ropa/gunicorn.py"]
