"""Issue 5 §6 and issue 23 item 4: never two candidates on one seat. 50 threads, each with its own database
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
# Issue 23 item 4: race after race, each with a few laureates (benchmarks/choice_latency.py --races 1000).
RACES = 50
RUNNERS = 4


def run_race(session, post, choosers, by):
    barrier = threading.Barrier(len(choosers))
    won, refused, other = [], [], []

    def race(chooser):
        try:
            barrier.wait()
            live.do_record_choice(session, chooser, post, by)
            won.append(chooser.pk)
        except ValidationError as exc:
            refused.append(" ".join(exc.messages))
        except Exception as exc:  # reported by the caller's assertion
            other.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=race, args=(c,)) for c in choosers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return won, refused, other


@pytest.mark.django_db(transaction=True)
def test_fifty_laureates_racing_for_the_last_seat_one_wins_the_others_are_told_it_was_just_taken():
    w = ChoiceWorld(seats={"cardio": 1, "pedia": 60})
    w.laureates(THREADS)
    session = do_start_live(w.session(), w.dean)
    # Every laureate was called and stepped out: each may come forward at any moment (decision 0011).
    Chooser.objects.filter(session=session).update(presence=Chooser.Presence.ABSENT)
    last_seat = Post.objects.get(session=session, code="chu-test-medical-cardio")
    choosers = list(Chooser.objects.filter(session=session).order_by("order"))
    won, refused, other = run_race(session, last_seat, choosers, w.dean)

    assert other == []
    assert len(won) == 1
    assert len(refused) == THREADS - 1
    assert all("vient d'être pris" in message for message in refused)
    last_seat.refresh_from_db()
    assert last_seat.taken == 1
    assert Choice.objects.filter(post=last_seat).count() == 1
    assert Choice.objects.get(post=last_seat).chooser_id == won[0]
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


@pytest.mark.django_db(transaction=True)
def test_fifty_races_for_a_last_seat_each_have_exactly_one_winner():
    seats = {f"s{n:02d}": 1 for n in range(RACES)}
    w = ChoiceWorld(seats=seats)
    w.laureates(RACES * RUNNERS)
    session = do_start_live(w.session(), w.dean)
    # Every laureate was called absent and came forward: each may choose at any moment (decision 0011).
    Chooser.objects.filter(session=session).update(presence=Chooser.Presence.ABSENT)
    choosers = list(Chooser.objects.filter(session=session).order_by("order"))
    winners = []
    for n in range(RACES):
        post = Post.objects.get(session=session, code=f"chu-test-medical-s{n:02d}")
        won, refused, other = run_race(session, post, choosers[n * RUNNERS:(n + 1) * RUNNERS], w.dean)
        assert other == [], other
        assert len(won) == 1, (n, won)
        assert len(refused) == RUNNERS - 1 and all("vient d'être pris" in m for m in refused)
        winners += won

    # No double seat anywhere: every post has exactly its one seat taken, by exactly one choice.
    assert list(Post.objects.filter(session=session).exclude(taken=1)) == []
    assert Choice.objects.filter(chooser__session=session, undone_at__isnull=True).count() == RACES
    assert sorted(Choice.objects.filter(chooser__session=session).values_list("chooser_id", flat=True)) == sorted(winners)
    assert Chooser.objects.filter(session=session, presence=Chooser.Presence.SERVED).count() == RACES
    # One log entry per winner, none for the refused; the chain is whole.
    assert LogEntry.objects.filter(session=session, kind="choice").count() == RACES
    assert verify(session).ok
