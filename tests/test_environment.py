"""Settings read from the environment: the shared cache (REDIS_URL), email (EMAIL_URL…) and media storage."""

import os
import uuid

import pytest
from django.core.cache import caches
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from plans.models import Evidence, StoredFile
from plans.rollup import cache as aggregate_cache
from tests.manager_fixtures import *  # noqa: F403
from tracker.environment import cache_settings, email_settings, media_storage

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def test_without_redis_url_each_process_keeps_its_own_memory_cache():
    assert cache_settings("")["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"


def test_redis_url_selects_djangos_built_in_redis_cache():
    default = cache_settings("redis://cache.internal:6379/2")["default"]
    assert default["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert default["LOCATION"] == "redis://cache.internal:6379/2"


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}),
        ({"EMAIL_URL": "console://"}, {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}),
        (
            {"EMAIL_URL": "smtp+tls://plans%40council.example:p%40ss@mail.council.example:587"},
            {
                "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "EMAIL_HOST": "mail.council.example",
                "EMAIL_PORT": 587,
                "EMAIL_HOST_USER": "plans@council.example",
                "EMAIL_HOST_PASSWORD": "p@ss",
                "EMAIL_USE_TLS": True,
                "EMAIL_USE_SSL": False,
            },
        ),
        ({"EMAIL_URL": "smtps://relay.example"}, {"EMAIL_PORT": 465, "EMAIL_USE_SSL": True, "EMAIL_USE_TLS": False}),
        ({"EMAIL_URL": "smtp://127.0.0.1:2525"}, {"EMAIL_PORT": 2525, "EMAIL_USE_TLS": False, "EMAIL_TIMEOUT": 20}),
        (
            {"EMAIL_HOST": "relay.example", "EMAIL_PORT": "587", "EMAIL_USE_TLS": "1"},
            {"EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend", "EMAIL_PORT": 587, "EMAIL_USE_TLS": True},
        ),
    ],
)
def test_email_settings_come_from_email_url_or_the_usual_variables(environ, expected):
    settings = email_settings(environ)
    assert {key: settings.get(key) for key in expected} == expected


def test_a_wrong_email_url_or_media_storage_says_what_is_wrong():
    with pytest.raises(ValueError, match="EMAIL_URL: unknown scheme “http”"):
        email_settings({"EMAIL_URL": "http://mail.example"})
    with pytest.raises(ValueError, match="MEDIA_STORAGE: “nfs” is not filesystem, database"):
        media_storage("nfs")


@pytest.fixture
def database_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {**settings.STORAGES, "default": media_storage("database")}
    return tmp_path


def test_with_database_storage_evidence_is_kept_in_the_database_and_downloads_from_it(
    client, smurphy, board, murphy_measure, database_media
):
    client.force_login(smurphy)
    upload = SimpleUploadedFile("audit.pdf", b"%PDF-1.4 audit", content_type="application/pdf")
    client.post(reverse("measure-evidence", args=[murphy_measure.pk]), {"title": "Case audit", "file": upload})
    evidence = Evidence.objects.get(measure=murphy_measure)
    stored = StoredFile.objects.get(name=evidence.file.name)
    assert bytes(stored.content) == b"%PDF-1.4 audit"
    assert list(database_media.iterdir()) == []  # nothing on this host's disk
    client.force_login(board)
    download = client.get(reverse("evidence-file", args=[evidence.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 audit"
    assert 'filename="audit.pdf"' in download["Content-Disposition"]


def redis_reachable() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.fixture
def redis_cache(settings):
    if not redis_reachable():
        if os.environ.get("CI"):
            pytest.fail(f"Redis is not reachable at {REDIS_URL}; make test starts it (bin/system-packages).")
        pytest.skip(f"Redis is not reachable at {REDIS_URL}")
    prefix = f"test-{uuid.uuid4().hex}"
    settings.CACHES = {"default": {**cache_settings(REDIS_URL)["default"], "KEY_PREFIX": prefix}}
    yield prefix
    caches["default"].clear()


def test_with_redis_url_the_cache_of_whole_plan_figures_is_redis_shared_by_every_process(redis_cache):
    import redis
    from django.core.cache import cache

    assert aggregate_cache.cache is cache  # plans/rollup/cache.py uses the default cache
    cache.set("aggregate:rollup:test", {"overall": "2.6"})
    other_process = redis.Redis.from_url(REDIS_URL)
    assert len(other_process.keys(f"{redis_cache}:*aggregate:rollup:test")) == 1
    assert cache.get("aggregate:rollup:test") == {"overall": "2.6"}
