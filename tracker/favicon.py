"""/favicon.ico: browsers ask for it on every site whatever the page links, so it is answered, not a 404.

The pages link static/favicon.svg (and this icon) from templates/base.html; this view serves the same
static file at the address browsers guess.
"""

from django.contrib.staticfiles import finders
from django.http import FileResponse, Http404
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe


@require_safe
@cache_control(public=True, max_age=86400)
def favicon(request):
    found = finders.find("favicon.ico")
    if not found:
        raise Http404("No favicon")
    return FileResponse(open(found, "rb"), content_type="image/x-icon")
