"""Query-string parameters read through forms: a value its form refuses is a 400 naming the field.

A view builds a small form over request.GET and calls `cleaned(form)`; a
refusal raises `BadQuery`, which `BadQueryMiddleware` turns into the "There is
a problem with the address" page (templates/400.html) showing the message,
e.g. "Version: enter a whole number, such as 2." — with DEBUG on too, where
Django would show its technical page. tracker.urls' handler400 uses the same
page, without a message, for any other request Django refuses.
"""

from django.core.exceptions import BadRequest
from django.forms import Form
from django.shortcuts import render


class BadQuery(BadRequest):
    """A query parameter its form refused; the message is written for the reader and shown to them."""


def cleaned(form: Form) -> dict:
    """The form's cleaned data, or BadQuery with its first error prefixed by the field's label."""
    if form.is_valid():
        return form.cleaned_data
    name, errors = next(iter(form.errors.items()))
    field = form.fields.get(name)
    label = field.label if field is not None and field.label else name.replace("_", " ").capitalize()
    raise BadQuery(f"{label}: {errors[0]}")


def bad_request(request, exception=None):
    """handler400: our own refusals say what was wrong; anything else Django refused says nothing more."""
    message = str(exception) if isinstance(exception, BadQuery) else ""
    return render(request, "400.html", {"message": message}, status=400)


class BadQueryMiddleware:
    """A BadQuery raised by a view is the 400 page with its message, in development as in production."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        return bad_request(request, exception) if isinstance(exception, BadQuery) else None
