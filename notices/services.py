"""Generating a notice: drafted from the register, worded, and kept as a version."""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass

from django.db import transaction

from entities.models import Organisation
from processing.register.batches import one_snapshot

from .drafting import Notice, NoticeError, draft_notice
from .models import NoticeSettings, PrivacyNotice
from .rendering import render_html, render_markdown, render_pdf


@dataclass(slots=True)
class Generated:
    notice: Notice
    version: PrivacyNotice
    #: False when the last version already said this and was reused.
    created: bool

    @property
    def markdown(self) -> str:
        return self.version.markdown

    def render(self, fmt: str) -> bytes:
        """The notice as ``md``, ``html`` or ``pdf``."""
        if fmt == "md":
            return self.markdown.encode()
        if fmt == "html":
            return render_html(self.notice, _templates(self.notice.organisation_id)[1]).encode()
        if fmt == "pdf":
            return render_pdf(self.markdown, title=f"Privacy notice of {self.notice.name}")
        raise ValueError(f"Unknown format '{fmt}': use html, md or pdf.")


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _templates(organisation_id: int) -> tuple[str, str]:
    found = (NoticeSettings.objects.filter(organisation_id=organisation_id)
             .values_list("markdown_template", "html_template").first())
    return found or ("", "")


def generate_notice(*, organisation_id: int, as_of: datetime.date | datetime.datetime | None = None,
                    user=None) -> Generated:
    """Draft the organisation's notice from its active activities (now, or as of a moment)
    and keep it as a version: a new one, numbered after the last, when its text differs
    from the last version's; the last one otherwise. Raises ``NoticeError`` for an
    organisation that does not exist (then)."""
    with one_snapshot():
        notice = draft_notice(organisation_id, as_of)
    markdown = render_markdown(notice, _templates(organisation_id)[0])
    made = digest(markdown)
    with transaction.atomic():
        # One version at a time per organisation: the numbers are consecutive.
        if not list(Organisation.objects.select_for_update().filter(pk=organisation_id)
                    .values_list("pk", flat=True)):
            raise NoticeError(f"No organisation with id {organisation_id}.")
        last = PrivacyNotice.objects.latest_of(organisation_id)
        if last is not None and last.digest == made:
            return Generated(notice=notice, version=last, created=False)
        version = PrivacyNotice.objects.create(
            organisation_id=organisation_id, version=(last.version + 1) if last else 1,
            register_as_of=notice.register_as_of, created_by=user if user and user.pk else None,
            markdown=markdown, digest=made)
    return Generated(notice=notice, version=version, created=True)
