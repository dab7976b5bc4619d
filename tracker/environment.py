"""Settings read from URLs in the environment: the cache (REDIS_URL), email (EMAIL_URL) and media storage.

Kept apart from settings.py so that each reading is a small function with its
own test (tests/test_environment.py).
"""

from urllib.parse import parse_qs, unquote, urlsplit

SMTP_SCHEMES = {"smtp": (False, False), "smtp+tls": (True, False), "submission": (True, False), "smtps": (False, True)}
TRUE = {"1", "true", "yes", "on"}


def cache_settings(redis_url: str, key_prefix: str = "tracker") -> dict:
    """Django's built-in Redis cache at redis_url (keys prefixed, so that sites can share a Redis), else memory."""
    if redis_url:
        return {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": redis_url,
                "KEY_PREFIX": key_prefix,
                "TIMEOUT": 300,
            }
        }
    return {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tracker"}}


def email_settings(environ) -> dict:
    """EMAIL_* settings from EMAIL_URL, else from the usual EMAIL_HOST… variables, else the console backend.

    EMAIL_URL forms: smtp://host:25, smtp+tls://user:password@host:587 (STARTTLS),
    smtps://user:password@host:465 (TLS from the start), console://, locmem://.
    The user and password are percent-decoded; ?timeout=N sets the timeout in seconds.
    """
    url = environ.get("EMAIL_URL", "")
    if url:
        return _from_url(url)
    settings = {"EMAIL_BACKEND": environ.get("EMAIL_BACKEND", "")}
    if environ.get("EMAIL_HOST"):
        settings["EMAIL_BACKEND"] = settings["EMAIL_BACKEND"] or "django.core.mail.backends.smtp.EmailBackend"
        settings.update(
            EMAIL_HOST=environ["EMAIL_HOST"],
            EMAIL_PORT=int(environ.get("EMAIL_PORT", "25")),
            EMAIL_HOST_USER=environ.get("EMAIL_HOST_USER", ""),
            EMAIL_HOST_PASSWORD=environ.get("EMAIL_HOST_PASSWORD", ""),
            EMAIL_USE_TLS=environ.get("EMAIL_USE_TLS", "").lower() in TRUE,
            EMAIL_USE_SSL=environ.get("EMAIL_USE_SSL", "").lower() in TRUE,
            EMAIL_TIMEOUT=int(environ.get("EMAIL_TIMEOUT", "20")),
        )
    settings["EMAIL_BACKEND"] = settings["EMAIL_BACKEND"] or "django.core.mail.backends.console.EmailBackend"
    return settings


def _from_url(url: str) -> dict:
    parts = urlsplit(url)
    if parts.scheme in ("console", "locmem", "dummy"):
        return {"EMAIL_BACKEND": f"django.core.mail.backends.{parts.scheme}.EmailBackend"}
    if parts.scheme not in SMTP_SCHEMES:
        raise ValueError(f"EMAIL_URL: unknown scheme “{parts.scheme}”; use smtp, smtp+tls, smtps or console.")
    use_tls, use_ssl = SMTP_SCHEMES[parts.scheme]
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    use_tls = use_tls or query.get("tls", "").lower() in TRUE
    use_ssl = use_ssl or query.get("ssl", "").lower() in TRUE
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parts.hostname or "localhost",
        "EMAIL_PORT": parts.port or (465 if use_ssl else 587 if use_tls else 25),
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_TLS": use_tls,
        "EMAIL_USE_SSL": use_ssl,
        "EMAIL_TIMEOUT": int(query.get("timeout", "20")),
    }


def media_storage(kind: str) -> dict:
    """The STORAGES["default"] entry: this host's disk, the database, or any storage class by dotted path."""
    if kind == "filesystem":
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    if kind == "database":
        return {"BACKEND": "plans.storage.DatabaseStorage"}
    if "." in kind:  # e.g. storages.backends.s3.S3Storage, configured by its own AWS_* variables
        return {"BACKEND": kind}
    raise ValueError(f"MEDIA_STORAGE: “{kind}” is not filesystem, database or a storage class's dotted path.")
