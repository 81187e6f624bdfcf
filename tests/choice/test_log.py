"""Issue 5 §7: every choice, undo and round is appended to a hash-chained log; `residanat
verify_log SESSION` recomputes the chain and names the first broken entry."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from residanat.choice import live
from residanat.choice.log import GENESIS, verify
from residanat.choice.models import Chooser, LogEntry, Post
from residanat.choice.sessions import do_start_live
from tests.choice.world import ChoiceWorld

pytestmark = pytest.mark.django_db


@pytest.fixture
def session():
    w = ChoiceWorld(seats={"cardio": 1, "pedia": 2})
    w.laureates(3)
    session = do_start_live(w.session(), w.dean)
    cardio = Post.objects.get(session=session, code="chu-test-medical-cardio")
    pedia = Post.objects.get(session=session, code="chu-test-medical-pedia")
    live.do_record_choice(session, Chooser.objects.get(session=session, order=1), cardio, w.dean)
    live.do_undo_last(session, w.dean, "mauvais bouton")
    live.do_record_choice(session, Chooser.objects.get(session=session, order=1), pedia, w.dean)
    live.do_mark_absent(session, Chooser.objects.get(session=session, order=2), w.dean)
    return session


def test_each_entry_holds_the_previous_hash_and_the_chain_verifies(session):
    entries = list(LogEntry.objects.filter(session=session).order_by("seq"))
    assert [e.kind for e in entries] == ["session_created", "live_started", "choice", "undo", "choice", "absent"]
    assert entries[0].prev_hash == GENESIS
    assert all(b.prev_hash == a.hash for a, b in zip(entries, entries[1:]))
    result = verify(session)
    assert result.ok and result.entries == 6 and result.head == entries[-1].hash


def test_an_edited_entry_is_named_by_verify_log(session, capsys):
    call_command("verify_log", session.competition.slug)
    assert "log intact: 6 entries" in capsys.readouterr().out
    entry = LogEntry.objects.get(session=session, seq=3)
    LogEntry.objects.filter(pk=entry.pk).update(payload={**entry.payload, "post": "chu-test-medical-pedia"})
    result = verify(session)
    assert not result.ok and result.broken_seq == 3 and "edited" in result.problem
    with pytest.raises(CommandError, match="entry 3") as excinfo:
        call_command("verify_log", session.competition.slug)
    assert excinfo.value.returncode == 1


def test_a_removed_entry_breaks_the_chain_at_the_next_one(session):
    LogEntry.objects.filter(session=session, seq=4).delete()
    result = verify(session)
    assert not result.ok and result.broken_seq == 5


def test_a_recomputed_hash_on_an_edited_entry_is_still_caught_by_the_next_entry(session):
    from residanat.choice.log import entry_hash

    entry = LogEntry.objects.get(session=session, seq=3)
    forged = {**entry.payload, "post": "forged"}
    LogEntry.objects.filter(pk=entry.pk).update(
        payload=forged, hash=entry_hash(entry.prev_hash, 3, entry.at, entry.kind, entry.actor, forged))
    result = verify(session)
    assert not result.ok and result.broken_seq == 4


def test_verify_log_of_an_unknown_session_exits_2():
    with pytest.raises(CommandError) as excinfo:
        call_command("verify_log", "nope")
    assert excinfo.value.returncode == 2
