"""WSGI entry point (gunicorn tracker.wsgi)."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
application = get_wsgi_application()

# What start-up loaded (Django, the app, their modules and classes) lives as long as the process. Frozen, the
# garbage collector's full passes stop walking it on every request that makes many objects: a large board
# page or an empty-cache portfolio spent about a tenth of its time there.
gc.freeze()
