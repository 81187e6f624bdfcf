"""The live choice session (amphitheatre): laureates are called in merit order and take a seat in
one click, or are marked absent, or choose by proxy; a supervisor can undo the last choice."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from residanat.allocation.seats import do_bump_version, do_release_seat, do_take_seat
from residanat.common.uploads import check_upload, stored_name

from . import board, log
from .models import Choice, ChoiceSession, Chooser, Post
from .seats import seat_of
from .sessions import check_can_run, is_open_to, lock_session

State = ChoiceSession.State
Presence = Chooser.Presence

# Shown on the operator screen and the board. The regulation says nothing of a laureate absent at
# their call; the usual practice (and our rule, decision 0011): they keep their right to choose,
# but only when they come forward, among the posts still open then, after the call in progress.
ABSENT_RULE = _("Un lauréat absent à l'appel garde son droit de choisir : il choisit lorsqu'il se présente, "
                "parmi les postes encore ouverts à ce moment, sans reprendre les postes choisis entre-temps.")


def next_to_call(session: ChoiceSession) -> Chooser | None:
    return (session.choosers.filter(presence=Presence.WAITING).select_related("candidate__person")
            .order_by("order").first())


def _choice_payload(choice: Choice) -> dict:
    return {"order": choice.chooser.order, "candidate": choice.chooser.candidate.number,
            "post": choice.post.code, "method": choice.method, "proxy": choice.proxy_name}


def do_record_choice(session: ChoiceSession, chooser: Chooser, post: Post, by, *, proxy_name: str = "",
                     proxy_document=None) -> Choice:
    """One laureate takes one seat. The laureate must be the one called (the first waiting in merit
    order) or an absent one who has come forward; the post must be open to their seat type."""
    check_can_run(by, session)
    proxy_name = (proxy_name or "").strip()
    if proxy_document is not None and not proxy_name:
        raise ValidationError(_("Indiquez le nom du mandataire."))
    if proxy_name and proxy_document is None:
        raise ValidationError(_("Un choix par procuration exige la procuration (document)."))
    # Checked by its content and size as every upload (RESIDANAT_UPLOAD_MAX_BYTES).
    checked = check_upload(proxy_document) if proxy_document is not None else None
    try:
        with transaction.atomic():
            session = lock_session(session)
            if session.state != State.LIVE:
                raise ValidationError(_("La séance de choix n'est pas en cours."))
            chooser = Chooser.objects.select_related("candidate__person").get(pk=chooser.pk, session=session)
            if chooser.presence == Presence.SERVED:
                raise ValidationError(_("%(who)s a déjà choisi.") % {"who": chooser.candidate.number})
            if chooser.presence == Presence.WAITING:
                first = (session.choosers.filter(presence=Presence.WAITING).order_by("order")
                         .values_list("pk", flat=True).first())
                if first != chooser.pk:
                    raise ValidationError(_("Ce n'est pas le tour de %(who)s : l'appel suit l'ordre de mérite.")
                                          % {"who": chooser.candidate.number})
            post = Post.objects.select_related("specialty", "quota").get(pk=post.pk)
            if not is_open_to(chooser, post):
                raise ValidationError(_("Ce poste n'est pas ouvert à ce lauréat (statut, filière ou groupe)."))
            do_take_seat(*seat_of(post))
            choice = Choice(chooser=chooser, post=post, by=by,
                            method=Choice.Method.PROXY if proxy_name else Choice.Method.LIVE, proxy_name=proxy_name)
            if proxy_document is not None:
                choice.proxy_document.save(stored_name("procuration", checked), proxy_document, save=False)
            choice.save()
            chooser.presence = Presence.SERVED
            chooser.save(update_fields=["presence"])
            do_bump_version(ChoiceSession, session.pk)
            board.changed(session)
            log.do_append_entry(session, "choice", _choice_payload(choice), by)
            return choice
    except IntegrityError as exc:
        # The unique "one choice in force" or the capacity check refused it: somebody was faster.
        raise ValidationError(_("Ce choix vient d'être enregistré par un autre poste de travail.")) from exc


@transaction.atomic
def do_mark_absent(session: ChoiceSession, chooser: Chooser, by) -> Chooser:
    check_can_run(by, session)
    session = lock_session(session)
    if session.state != State.LIVE:
        raise ValidationError(_("La séance de choix n'est pas en cours."))
    first = next_to_call(session)
    if first is None or first.pk != chooser.pk:
        raise ValidationError(_("Seul le lauréat appelé peut être déclaré absent."))
    Chooser.objects.filter(pk=chooser.pk).update(presence=Presence.ABSENT)
    do_bump_version(ChoiceSession, session.pk)
    board.changed(session)
    log.do_append_entry(session, "absent", {"order": first.order, "candidate": first.candidate.number}, by)
    first.presence = Presence.ABSENT
    return first


@transaction.atomic
def do_undo_last(session: ChoiceSession, by, reason: str) -> Choice:
    """Give back the seat of the last choice in force; the laureate is called again."""
    check_can_run(by, session)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Indiquez le motif de l'annulation."))
    session = lock_session(session)
    if session.state != State.LIVE:
        raise ValidationError(_("La séance de choix n'est pas en cours."))
    choice = (Choice.objects.filter(chooser__session=session, undone_at__isnull=True)
              .select_related("chooser__candidate", "post__quota").order_by("-at", "-pk").first())
    if choice is None:
        raise ValidationError(_("Aucun choix à annuler."))
    do_release_seat(*seat_of(choice.post))
    choice.undone_at = timezone.now()
    choice.undone_by = by
    choice.undo_reason = reason
    choice.save(update_fields=["undone_at", "undone_by", "undo_reason"])
    Chooser.objects.filter(pk=choice.chooser_id).update(presence=Presence.WAITING)
    do_bump_version(ChoiceSession, session.pk)
    board.changed(session)
    log.do_append_entry(session, "undo", {**_choice_payload(choice), "reason": reason}, by)
    return choice


def call_status(chooser: Chooser) -> dict:
    """For the laureate's own page during the live session: the call in progress (its number,
    never a name), where this laureate stands, and how many laureates will be called before them."""
    session = chooser.session
    called = session.choosers.filter(presence=Presence.WAITING).order_by("order").values_list("order", flat=True).first()
    presence = Chooser.objects.filter(pk=chooser.pk).values_list("presence", flat=True).get()
    before = 0
    if presence == Presence.WAITING:
        before = session.choosers.filter(presence=Presence.WAITING, order__lt=chooser.order).count()
    return {"called_order": called, "presence": presence, "before": before, "is_called": called == chooser.order,
            "order": chooser.order}
