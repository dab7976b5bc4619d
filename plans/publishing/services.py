"""Publishing a frozen board pack for a committee or the public, and withdrawing it.

The published rendering is made once, at publication, from the snapshot's
contents (the pack as data, frozen with it; plans.publishing.contents) by
plans.publishing.redaction: people by role and no free text when the plan
redacts. It never reads or rewrites the frozen HTML. It is stored with the
publication, so nothing that changes later (the plan, its leads, the setting)
can alter or un-redact what was published.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from plans.audit import acting_as
from plans.board.pack import pack_stylesheets
from plans.models import BoardPackSnapshot, Plan, Publication, PublishingSettings
from plans.publishing.contents import FORMAT
from plans.publishing.redaction import public_context


class NotPublishable(ValidationError):
    """A pack frozen before packs were frozen as data: it cannot be published from data."""


def settings_for(plan: Plan) -> PublishingSettings:
    """The plan's publishing settings (unsaved defaults when it has none yet)."""
    found = PublishingSettings.objects.filter(plan=plan).first()
    return found or PublishingSettings(plan=plan)


def clean_audience(text: str) -> str:
    audience = " ".join((text or "").split())
    if not audience:
        raise ValidationError({"audience": "Say who it is published for, for example “Public”."})
    if len(audience) > 200:
        raise ValidationError({"audience": "Use 200 characters or fewer."})
    return audience


def publishable(snapshot: BoardPackSnapshot) -> bool:
    """Was this pack frozen with its contents as data (packs frozen by older versions were not)?"""
    return snapshot.contents.get("format") == FORMAT


def publish(snapshot: BoardPackSnapshot, audience: str, user) -> Publication:
    """Publish this frozen pack for the audience; the user is recorded as its publisher."""
    audience = clean_audience(audience)
    if not publishable(snapshot):
        raise NotPublishable(
            f"Version {snapshot.version} of {snapshot.period.label} was frozen before packs could be published: "
            f"reopen and close {snapshot.period.label} to freeze a new version, and publish that."
        )
    redact = settings_for(snapshot.plan).redact_names
    publication = Publication(
        snapshot=snapshot, audience=audience, redacted=redact, published_at=timezone.now(), published_by=user
    )
    publication.html = render_public(publication, snapshot, redact)
    with transaction.atomic(), acting_as(user):
        publication.save()
    return publication


def render_public(publication: Publication, snapshot: BoardPackSnapshot, redact: bool) -> str:
    """The publication's page, from the snapshot's contents alone (see plans.publishing.redaction)."""
    context = public_context(snapshot.contents, redact)
    context.update(
        publication=publication,
        snapshot=snapshot,
        snapshot_version=snapshot.version,
        produced=snapshot.created,
        stylesheets=pack_stylesheets("css/publication.css"),
    )
    return render_to_string("plans/publishing/public_pack.html", context)


def withdraw(publication: Publication, user) -> Publication:
    """Take the publication down at once; it stays on record with who withdrew it and when."""
    if publication.withdrawn_at is None:
        publication.withdrawn_at = timezone.now()
        publication.withdrawn_by = user
        with acting_as(user):
            publication.save(update_fields=["withdrawn_at", "withdrawn_by"])
    return publication
