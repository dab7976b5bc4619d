"""Project-wide response headers that no single view should have to remember."""

from django.utils.cache import patch_cache_control


class PrivatePagesMiddleware:
    """Whatever a signed-in user is sent (pages, workbooks, PDFs, CSV) is `Cache-Control: private, no-store`.

    A shared computer's back button or a caching proxy in a council's network
    must not hand one user's plan to the next person. The user is read after
    the view, so the API's HTTP Basic sign-in (set by the view) counts too.
    Anonymous responses (the sign-in page, a published pack) keep their own headers.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response
