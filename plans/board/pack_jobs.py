"""The board pack's PDF, made by a worker once per plan, period and data version; never on a request thread.

WeasyPrint takes seconds for a plan of 100 measures and nearly a minute for
1,000, so a request only asks for the PDF (`request_pdf`): if this version
is made it is served, otherwise a render is queued and the page says the PDF
is being prepared. A live pack's version is the data it shows (each period's
ratings, the plan's structure, indicators, the frozen packs it compares with)
and the day, since what is overdue depends on it; a frozen pack's is its
snapshot, and its PDF is kept on the snapshot too. At most one render per plan
is queued or running at a time; others wait and start when it finishes.
"""

import hashlib
from datetime import timedelta

from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.utils import timezone
from django_tasks import task

from plans.models import BoardPackSnapshot, Indicator, IndicatorValue, Lead, PackRender, Period, Plan
from plans.rollup.cache import period_versions

# A render still queued or running after this long is taken to have died with its worker; it can be asked for again.
RENDER_TIMEOUT = timedelta(minutes=15)
Status = PackRender.Status


def live_version(plan: Plan, period: Period) -> str:
    """What the live pack for `period` shows, as one string: it changes whenever the pack would."""
    periods = period_versions(list(plan.periods.values_list("pk", flat=True)))
    extra = [_newest_history(model) for model in (Indicator, IndicatorValue, Lead)]
    frozen = BoardPackSnapshot.objects.filter(plan=plan).aggregate(newest=Max("id"))["newest"]
    database = connection.settings_dict["NAME"]
    identity = (sorted(periods.items()), extra, frozen, period.pk, timezone.localdate(), database)
    return "live-" + hashlib.sha256(repr(identity).encode()).hexdigest()[:40]


def _newest_history(model) -> int | None:
    return model.history.aggregate(newest=Max("history_id"))["newest"]


def request_pdf(plan: Plan, period: Period, snapshot: BoardPackSnapshot | None = None) -> PackRender:
    """The render of this pack's PDF: ready, or queued now (or waiting for the plan's current render)."""
    version = f"snapshot-{snapshot.pk}" if snapshot else live_version(plan, period)
    release_dead_renders(plan)
    render = PackRender.objects.filter(period=period, version=version).first()
    retry_after = timezone.now() - timedelta(minutes=1)
    if render is not None and render.status == Status.FAILED and render.finished < retry_after:
        render.delete()  # a minute after a failure, asking again tries again
        render = None
    if render is None:
        render = _new_render(plan, period, snapshot, version)
    return render


def _new_render(plan, period, snapshot, version) -> PackRender:
    fields = {"plan": plan, "period": period, "snapshot": snapshot, "version": version}
    try:
        with transaction.atomic():
            render = PackRender.objects.create(status=Status.QUEUED, **fields)
    except IntegrityError:  # this version was asked for at the same moment, or another render of the plan is busy
        render = PackRender.objects.filter(period=period, version=version).first()
        if render is not None:
            return render
        try:
            with transaction.atomic():
                return PackRender.objects.create(status=Status.WAITING, **fields)
        except IntegrityError:
            return PackRender.objects.get(period=period, version=version)
    render_pack_pdf.enqueue(render.pk)
    render.refresh_from_db()  # an immediate backend (tests) has made it already
    return render


def release_dead_renders(plan: Plan) -> None:
    """Renders queued or running for longer than RENDER_TIMEOUT are marked failed, freeing the plan's turn."""
    too_old = timezone.now() - RENDER_TIMEOUT
    dead = PackRender.objects.filter(plan=plan, status__in=PackRender.BUSY, requested__lt=too_old)
    if dead.update(status=Status.FAILED, error="The worker stopped before the PDF was made.", finished=timezone.now()):
        start_next(plan)


@task()
def render_pack_pdf(render_id: int) -> str:
    """Make one render's PDF (the worker's side), then start the plan's next waiting render."""
    from plans.board.pack import pdf_from_html, render_pack

    started = PackRender.objects.filter(pk=render_id, status=Status.QUEUED).update(
        status=Status.RUNNING, started=timezone.now()
    )
    render = PackRender.objects.select_related("plan", "period", "snapshot").filter(pk=render_id).first()
    if render is None or not started:
        return "nothing to do"
    try:
        html = render.snapshot.html if render.snapshot else render_pack(render.plan, render.period)
        pdf = pdf_from_html(html)
    except Exception as error:  # noqa: BLE001 — the page shows it; the worker carries on with other jobs
        PackRender.objects.filter(pk=render.pk).update(
            status=Status.FAILED, error=f"{type(error).__name__}: {error}"[:2000], finished=timezone.now()
        )
        outcome = "failed"
    else:
        with transaction.atomic():
            PackRender.objects.filter(pk=render.pk).update(status=Status.READY, pdf=pdf, finished=timezone.now())
            if render.snapshot:  # a frozen pack's PDF never changes: kept with it
                BoardPackSnapshot.objects.filter(pk=render.snapshot.pk).update(pdf=pdf)
            else:  # earlier live PDFs of this period are out of date
                PackRender.objects.filter(period=render.period, snapshot=None, status=Status.READY).exclude(
                    pk=render.pk
                ).delete()
        outcome = "ready"
    start_next(render.plan)
    return outcome


def start_next(plan: Plan) -> None:
    """Queue the plan's oldest waiting render, if none of its renders is busy."""
    waiting = PackRender.objects.filter(plan=plan, status=Status.WAITING).order_by("requested", "id").first()
    if waiting is None:
        return
    try:
        with transaction.atomic():
            queued = PackRender.objects.filter(pk=waiting.pk, status=Status.WAITING).update(status=Status.QUEUED)
    except IntegrityError:  # another render of the plan became busy first; it will start this one after
        return
    if queued:
        render_pack_pdf.enqueue(waiting.pk)
