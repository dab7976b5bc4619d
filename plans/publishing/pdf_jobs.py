"""A publication's PDF, made by a background worker when it is published, never on a public request.

The published (redacted) HTML never changes, so its PDF is made once and kept
on the publication. Publishing queues it (on commit); a download that comes
first queues it too, at most once a few minutes, and gets a page saying it is
being prepared.
"""

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from django_tasks import task
from django_tasks.backends.immediate import ImmediateBackend

from plans.models import Publication

ASKED_SECONDS = 300


@task()
def make_publication_pdf(publication_id: int) -> str:
    from plans.board.pack import pdf_from_html

    publication = Publication.objects.filter(pk=publication_id, pdf=None).only("pk", "html").first()
    if publication is None:
        return "already made"
    pdf = pdf_from_html(publication.html)
    Publication.objects.filter(pk=publication.pk, pdf=None).update(pdf=pdf)  # a cache, not a change: no history
    return "made"


def request_publication_pdf(publication: Publication) -> bytes | None:
    """The PDF if made; otherwise queue it (once) and None, for the page to say it is being prepared."""
    if publication.pdf is not None:
        return bytes(publication.pdf)
    if cache.add(f"publication-pdf:{publication.pk}", True, ASKED_SECONDS):
        make_publication_pdf.enqueue(publication.pk)
    made = Publication.objects.filter(pk=publication.pk).values_list("pdf", flat=True).first()
    return bytes(made) if made is not None else None  # an immediate backend (tests) has made it already


@receiver(post_save, sender=Publication)
def queue_pdf_when_published(sender, instance: Publication, created: bool, raw: bool = False, **kwargs) -> None:
    """Queue the PDF for a worker at once, so it is ready before anyone asks; with jobs run immediately
    (tests), making it here would lay it out on the publishing request, so it waits to be asked for."""
    if created and not raw and not isinstance(make_publication_pdf.get_backend(), ImmediateBackend):
        transaction.on_commit(lambda: make_publication_pdf.enqueue(instance.pk))
