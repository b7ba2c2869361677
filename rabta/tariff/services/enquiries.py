"""The enquiry point: a signed-in trader asks (``enquiry_ask``), a tariff officer answers
(``enquiry_answer``) within ``ANSWER_DAYS``, published on the portal; the answered question is then
public, without the asker's identity."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, cast

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rabta.accounts.types import Actor
from rabta.core.errors import Conflict, CoreError, DomainError, NotAuthenticated
from rabta.core.events import event_record
from rabta.core.textinput import text_clean
from rabta.tariff import permissions
from rabta.tariff.choices import EnquiryStatus
from rabta.tariff.codes import code_clean, code_is_wellformed
from rabta.tariff.errors import TariffError
from rabta.tariff.events import TariffEvent
from rabta.tariff.models import Enquiry, TariffCode

if TYPE_CHECKING:
    from rabta.accounts.models import User

ANSWER_DAYS = 7  # the published time to answer (shown on the portal)
MIN_QUESTION_LENGTH = 10


def enquiry_ask(*, actor: Actor, question: str, code: str = "") -> Enquiry:
    if actor is None or not actor.is_authenticated:
        raise NotAuthenticated(CoreError.NOT_AUTHENTICATED, _("Sign in to ask the enquiry point."))
    text = text_clean(question, model=Enquiry, name="question")
    if len(text) < MIN_QUESTION_LENGTH:
        raise DomainError.for_field("question", TariffError.REQUIRED, _("Ask your question in a sentence or more."))
    tariff_code = None
    if code_clean(code):
        cleaned = code_clean(code)
        tariff_code = TariffCode.objects.filter(code=cleaned).first() if code_is_wellformed(cleaned) else None
        if tariff_code is None:
            raise DomainError.for_field(
                "code", TariffError.CODE_UNKNOWN, _("No tariff code %(code)s.") % {"code": cleaned}
            )
    with transaction.atomic():
        enquiry = Enquiry.objects.create(
            asked_by=cast("User", actor),
            code=tariff_code,
            question=text,
            due_at=timezone.now() + timedelta(days=ANSWER_DAYS),
        )
        event_record(kind=TariffEvent.ENQUIRY_ASKED, subject=enquiry, actor=actor, to_state=EnquiryStatus.ASKED)
    return enquiry


def enquiry_answer(*, actor: Actor, enquiry: Enquiry, answer: str) -> Enquiry:
    permissions.require(actor, permissions.Action.ANSWER_ENQUIRY)
    text = text_clean(answer, model=Enquiry, name="answer")
    if not text:
        raise DomainError.for_field("answer", TariffError.REQUIRED, _("Write the answer."))
    with transaction.atomic():
        locked = Enquiry.objects.select_for_update().get(pk=enquiry.pk)
        if locked.status != EnquiryStatus.ASKED:
            raise Conflict(TariffError.ALREADY_ANSWERED, _("This question has been answered already."))
        locked.status, locked.answer, locked.answered_at = EnquiryStatus.ANSWERED, text, timezone.now()
        locked.answered_by = cast("User", actor)
        locked.save(update_fields=["status", "answer", "answered_by", "answered_at", "updated_at"])
        event_record(
            kind=TariffEvent.ENQUIRY_ANSWERED,
            subject=locked,
            actor=actor,
            from_state=EnquiryStatus.ASKED,
            to_state=EnquiryStatus.ANSWERED,
            data={"late": locked.answered_at > locked.due_at},
        )
    return locked
