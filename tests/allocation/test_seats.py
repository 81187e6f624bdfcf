"""The shared seat code (allocation/seats.py) and the last steps of the pipeline
(allocation/placing.py), on the posts of a choice session."""

import pytest
from django.db import transaction

from residanat.allocation.placing import do_place
from residanat.allocation.seats import (Counter, SeatTaken, do_bump_version, do_release_seat, do_take_counted_seats,
                                        do_take_seat)
from residanat.choice.models import Choice, ChoiceSession, Post
from residanat.matching.pipeline import Offer, Program, Wisher
from tests.choice.world import ChoiceWorld

pytestmark = pytest.mark.django_db


def counter(post):
    return Counter(Post, post.pk, lambda: f"{post.code} is full")


@pytest.mark.django_db(transaction=True)  # the test itself outside any transaction
def test_a_seat_is_taken_only_inside_a_transaction():
    post = Post.objects.get(session=ChoiceWorld().session(), code="chu-test-medical-pedia")
    with pytest.raises(RuntimeError):
        do_take_seat(counter(post))


def test_seats_are_taken_up_to_the_capacity_then_refused_and_given_back():
    post = Post.objects.get(session=ChoiceWorld(seats={"cardio": 2}).session(), code="chu-test-medical-cardio")
    with transaction.atomic():
        do_take_seat(counter(post))
        do_take_seat(counter(post))
        with pytest.raises(SeatTaken, match="is full"):
            do_take_seat(counter(post))
        do_release_seat(counter(post))
        do_release_seat(counter(post))
        with pytest.raises(RuntimeError):
            do_release_seat(counter(post))
    post.refresh_from_db()
    assert post.taken == 0


def test_counted_seats_are_refused_when_the_takers_already_fill_the_capacity():
    w = ChoiceWorld(seats={"cardio": 2})
    w.laureates(1)
    session = w.session()
    post = Post.objects.get(session=session, code="chu-test-medical-cardio")
    Choice.objects.create(chooser=session.choosers.get(), post=post, method=Choice.Method.LIVE, by=w.dean)
    counted = dict(key="pk", capacity="capacity", takers=Choice.objects.all(), taker_key="post",
                   full=lambda pk: f"post {pk} is full")
    rows = Post.objects.filter(session=session)
    with transaction.atomic():
        do_take_counted_seats(rows, {post.pk: 1}, **counted)  # one held, one more: the capacity
        with pytest.raises(SeatTaken, match=f"post {post.pk} is full"):
            do_take_counted_seats(rows, {post.pk: 2}, **counted)
        with pytest.raises(SeatTaken):  # a key without a row has no seat
            do_take_counted_seats(rows, {0: 1}, **counted)


def test_the_pipeline_records_the_placements_then_takes_the_seats_of_those_placed():
    session = ChoiceWorld(seats={"cardio": 1, "pedia": 1}).session()
    posts = {p.code: p for p in Post.objects.filter(session=session)}
    offer = Offer(programs=[Program(code, 1, p) for code, p in posts.items()],
                  wishers=[Wisher("a", 1, ("chu-test-medical-cardio",)), Wisher("b", 2, ("chu-test-medical-cardio",))])
    steps = []

    def take(placed):
        steps.append("seats")
        for p in placed:
            do_take_seat(counter(p.program.item))
        do_bump_version(ChoiceSession, session.pk)

    with transaction.atomic():
        allocation, recorded, _ = do_place(offer, record=lambda a: steps.append("record") or len(a.placed),
                                           take_seats=take)
    assert steps == ["record", "seats"] and recorded == 2
    assert [(p.wisher.id, p.program and p.program.id) for p in allocation.placed] == [
        ("a", "chu-test-medical-cardio"), ("b", None)]
    assert Post.objects.get(pk=posts["chu-test-medical-cardio"].pk).taken == 1
    assert ChoiceSession.objects.get(pk=session.pk).version == session.version + 1
