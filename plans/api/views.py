"""Read-only JSON and CSV of a plan's rollup, measures and ratings, for a council's BI tools.

Signed-in sessions work, and so does HTTP Basic authentication with the same
usernames and passwords (for tools that cannot hold a session; use it over
HTTPS only). A plan the user may not read answers 404, as on the web pages;
no credentials answer 401 with a Basic challenge.

The measures and ratings, and every CSV, are streamed (StreamingHttpResponse):
rows are read from the database in chunks and sent as they are written, so a
36,000-row download holds a few thousand rows at a time, never the file.
"""

import base64
import binascii
import json
from collections.abc import Iterable, Iterator

from django.contrib.auth import authenticate
from django.core.serializers.json import DjangoJSONEncoder
from django.http import JsonResponse, StreamingHttpResponse
from django.views import View

from plans.access import PlanAccessMixin
from plans.api import datasets
from plans.api.csv_safety import ROWS_PER_CHUNK
from plans.models import Plan

REALM = "Plan tracker API"


def basic_auth_user(request):
    """The active user named by a valid Authorization: Basic header, or None."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    kind, _, encoded = header.partition(" ")
    if kind.lower() != "basic" or not encoded:
        return None
    try:
        username, _, password = base64.b64decode(encoded.strip(), validate=True).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return authenticate(request, username=username, password=password)


class PlanDataView(PlanAccessMixin, View):
    """/api/plans/<slug>/<dataset>.<fmt>: dataset is rollup, measures or ratings; fmt is json or csv."""

    http_method_names = ["get", "head", "options"]

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            user = basic_auth_user(request)
            if user is not None:
                request.user = user  # for this request only: no session is started
        return super().dispatch(request, *args, **kwargs)

    def plan_queryset(self):
        # The measures and ratings read what they need of the scale with their own rows (datasets._named).
        return super().plan_queryset() if self.kwargs["dataset"] == "rollup" else Plan.objects.all()

    def handle_no_permission(self):
        response = JsonResponse(
            {"error": "Authentication required: sign in, or send HTTP Basic credentials."}, status=401
        )
        response["WWW-Authenticate"] = f'Basic realm="{REALM}", charset="UTF-8"'
        return response

    def get(self, request, slug: str, dataset: str, fmt: str):
        if dataset == "rollup":
            as_dict, table = datasets.rollup(self.plan)  # a few rows per period: built whole
            if fmt == "json":
                return JsonResponse(as_dict, json_dumps_params={"ensure_ascii": False})
        else:
            table = getattr(datasets, dataset)(self.plan)
            if fmt == "json":
                return StreamingHttpResponse(
                    iter_json(self.plan.slug, dataset, table.rows), content_type="application/json"
                )
        response = StreamingHttpResponse(table.csv(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{self.plan.slug}-{dataset}.csv"'
        return response


def iter_json(slug: str, name: str, rows: Iterable[dict]) -> Iterator[str]:
    """{"plan": slug, name: [rows]} in pieces of ROWS_PER_CHUNK rows, byte for byte what JsonResponse writes."""
    encoder = DjangoJSONEncoder(ensure_ascii=False)
    head = json.dumps({"plan": slug, name: []}, ensure_ascii=False)
    yield head[:-2]  # up to and including the list's "["
    piece: list[str] = []
    for n, row in enumerate(rows):
        piece.append(("" if n == 0 else ", ") + encoder.encode(row))
        if len(piece) == ROWS_PER_CHUNK:
            yield "".join(piece)
            piece = []
    yield "".join(piece) + "]}"
