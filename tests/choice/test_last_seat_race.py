"""Issue 5 §6: never two candidates on one seat. 50 threads, each with its own database
connection, race for the last seat of a post; exactly one wins, the others are told the seat was
just taken. Runs on SQLite (IMMEDIATE transactions, a file database) and on PostgreSQL."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connections

from residanat.choice import live
from residanat.choice.models import Choice, Chooser, LogEntry, Post
from residanat.choice.log import verify
from residanat.choice.sessions import do_start_live
from tests.choice.world import ChoiceWorld

THREADS = 50


@pytest.mark.django_db(transaction=True)
def test_fifty_laureates_racing_for_the_last_seat_one_wins_the_others_are_told_it_was_just_taken():
    w = ChoiceWorld(seats={"cardio": 1, "pedia": 60})
    w.laureates(THREADS)
    session = do_start_live(w.session(), w.dean)
    # Every laureate was called and stepped out: each may come forward at any moment (decision 0011).
    Chooser.objects.filter(session=session).update(presence=Chooser.Presence.ABSENT)
    last_seat = Post.objects.get(session=session, code="chu-test-medical-cardio")
    choosers = list(Chooser.objects.filter(session=session).order_by("order"))
    barrier = threading.Barrier(THREADS)
    won, refused, other = [], [], []

    def race(chooser):
        try:
            barrier.wait()
            live.do_record_choice(session, chooser, last_seat, w.dean)
            won.append(chooser.order)
        except ValidationError as exc:
            refused.append(" ".join(exc.messages))
        except Exception as exc:  # reported by the assertion below
            other.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=race, args=(c,)) for c in choosers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert other == []
    assert len(won) == 1
    assert len(refused) == THREADS - 1
    assert all("vient d'être pris" in message for message in refused)
    last_seat.refresh_from_db()
    assert last_seat.taken == 1
    assert Choice.objects.filter(post=last_seat).count() == 1
    assert Choice.objects.get(post=last_seat).chooser.order == won[0]
    # One log entry for the winner, none for the refused; the chain is intact.
    assert LogEntry.objects.filter(session=session, kind="choice").count() == 1
    assert verify(session).ok


@pytest.mark.django_db
def test_the_database_refuses_more_seats_taken_than_the_capacity_even_without_the_service():
    from django.db import IntegrityError, transaction

    w = ChoiceWorld(seats={"cardio": 1})
    session = w.session()
    with pytest.raises(IntegrityError), transaction.atomic():
        Post.objects.filter(session=session).update(taken=2)
