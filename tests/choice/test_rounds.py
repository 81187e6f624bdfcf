"""Simulation rounds and the binding round (issue 5 §4)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from residanat.choice.models import Choice, ChoiceSession, Chooser, Placement, Post
from residanat.choice import rounds
from residanat.choice.models import LogEntry, Round
from residanat.choice.rounds import do_run_round, do_schedule_round, do_run_due_rounds, do_start_round
from residanat.ops.jobs import do_retry_job
from residanat.ops.models import Job
from residanat.choice.sessions import do_open_wishes
from residanat.choice.wishes import changes, do_save_wishes
from tests.choice.world import ChoiceWorld
from tests.ops.helpers import run_queued_jobs, run_worker

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    w = ChoiceWorld(seats={"cardio": 1, "pedia": 1, "neuro": 1}, volunteer=1)
    w.laureates(3)
    w.laureates(2, start=4, outcome="admitted_foreign", foreign=True)
    w.session_ = do_open_wishes(w.session(), timezone.now() + dt.timedelta(days=2), w.dean)
    w.post = lambda code: Post.objects.get(session=w.session_, code=f"chu-test-medical-{code}")
    w.chooser = lambda order: Chooser.objects.get(session=w.session_, order=order)
    return w


def wish(w, order, *codes):
    return do_save_wishes(w.chooser(order), [w.post(c).pk for c in codes], w.dean)


def test_a_round_gives_each_laureate_a_provisional_post_cutoffs_and_why_not(world):
    wish(world, 1, "cardio", "pedia")
    wish(world, 2, "cardio", "pedia", "neuro")
    wish(world, 3, "cardio")
    wish(world, 4, "cardio#VOL", "pedia#VOL")
    wish(world, 5, "pedia#VOL")
    rnd = do_run_round(world.session_, world.dean)
    placement = {p.chooser.order: p for p in Placement.objects.filter(round=rnd)}
    assert placement[1].post.code.endswith("cardio") and placement[1].wish_number == 1
    assert placement[2].post.code.endswith("pedia") and placement[2].wish_number == 2
    assert placement[3].post is None
    why = placement[2].wishes[0]
    assert (why["code"], why["outcome"], why["cutoff"]) == ("chu-test-medical-cardio", "full", 1)
    assert placement[2].wishes[2]["outcome"] == "not_examined"
    # The volunteer pool (1 seat for the group) is used by rank 4: rank 5 misses on the quota.
    assert placement[4].post.code.endswith("cardio#VOL")
    assert placement[5].post is None and placement[5].wishes[0]["outcome"] == "quota"
    assert rnd.stable and rnd.assigned == 3 and rnd.unassigned == 2
    assert rnd.cutoffs["chu-test-medical-pedia"] == 2
    # A simulation takes no seat.
    assert not Choice.objects.exists() and world.post("cardio").taken == 0


def test_wishes_changed_between_rounds_are_recorded_as_versions(world):
    first = wish(world, 1, "cardio", "pedia")
    do_run_round(world.session_, world.dean)
    second = wish(world, 1, "neuro", "cardio")
    assert (first.number, second.number) == (1, 2)
    assert changes(first.posts, second.posts) == {
        "added": [world.post("neuro").pk], "removed": [world.post("pedia").pk],
        "moved": [(world.post("cardio").pk, 1, 2)]}
    rnd2 = do_run_round(world.session_, world.dean)
    assert Placement.objects.get(round=rnd2, chooser=world.chooser(1)).wish_list == second
    assert Placement.objects.get(round__number=1, chooser=world.chooser(1)).wish_list == first


def test_saving_the_same_list_again_makes_no_new_version(world):
    assert wish(world, 1, "cardio").number == wish(world, 1, "cardio").number == 1


def test_a_wish_for_a_post_not_open_to_the_seat_type_is_refused(world):
    with pytest.raises(ValidationError, match="non ouverts"):
        wish(world, 1, "cardio#VOL")
    with pytest.raises(ValidationError, match="non ouverts"):
        wish(world, 4, "cardio")


def test_wishes_after_the_deadline_are_refused(world):
    ChoiceSession.objects.filter(pk=world.session_.pk).update(wishes_deadline=timezone.now() - dt.timedelta(minutes=1))
    with pytest.raises(ValidationError, match="date limite"):
        wish(world, 1, "cardio")


def test_the_binding_round_runs_only_after_the_deadline_then_takes_the_seats_and_closes(world):
    wish(world, 1, "pedia")
    wish(world, 2, "pedia", "neuro")
    with pytest.raises(ValidationError, match="après la date limite"):
        do_run_round(world.session_, world.dean, binding=True)
    ChoiceSession.objects.filter(pk=world.session_.pk).update(wishes_deadline=timezone.now() - dt.timedelta(minutes=1))
    rnd = do_run_round(world.session_, world.dean, binding=True)
    assert rnd.binding
    assert {c.chooser.order: c.post.code for c in Choice.objects.all()} == {
        1: "chu-test-medical-pedia", 2: "chu-test-medical-neuro"}
    assert all(c.method == Choice.Method.ROUND for c in Choice.objects.all())
    assert world.post("pedia").taken == 1 and world.post("neuro").taken == 1
    world.session_.refresh_from_db()
    assert world.session_.state == ChoiceSession.State.CLOSED
    with pytest.raises(ValidationError):
        do_run_round(world.session_, world.dean)


def test_scheduled_rounds_run_when_their_time_has_come(world):
    wish(world, 1, "pedia")
    due = do_schedule_round(world.session_, timezone.now() - dt.timedelta(minutes=5), world.dean)
    later = do_schedule_round(world.session_, timezone.now() + dt.timedelta(hours=5), world.dean)
    [job] = do_run_due_rounds()  # queued for the worker
    assert job.args == [world.session_.pk, world.session_.created_by_id, False, due.pk]
    assert do_run_due_rounds() == [job]  # the scheduler again before the worker ran it: the same job
    due.refresh_from_db()
    assert due.run_at is None
    run_queued_jobs()
    due.refresh_from_db()
    later.refresh_from_db()
    assert due.run_at is not None and later.run_at is None
    assert Placement.objects.filter(round=due).count() == 5


@pytest.mark.django_db(transaction=True)  # the worker takes SQLite's exclusive lock: no outer transaction
def test_the_worker_runs_a_round_and_its_job_links_to_the_round(world):
    wish(world, 1, "pedia")
    job = do_start_round(world.session_, world.dean)
    assert do_start_round(world.session_, world.dean) == job and not Round.objects.exists()
    run_worker()
    job.refresh_from_db()
    [rnd] = Round.objects.filter(session=world.session_)
    assert job.state == Job.State.DONE and (job.done, job.total) == (3, 3)
    assert job.result_url == f"/choix/{world.session_.competition.slug}/tours/{rnd.number}/"
    assert Placement.objects.filter(round=rnd).count() == 5
    # Done, it is never run again: another worker finds nothing to do.
    run_worker()
    assert Round.objects.filter(session=world.session_).count() == 1


def test_a_round_stopped_midway_leaves_no_half_written_round_and_its_retry_makes_one(world, monkeypatch):
    wish(world, 1, "pedia")
    job = do_start_round(world.session_, world.dean)

    def killed(*args, **kwargs):  # after the round and its placements were written, before the log entry
        raise RuntimeError("worker killed")

    monkeypatch.setattr(rounds.log, "do_append_entry", killed)
    run_queued_jobs()
    job.refresh_from_db()
    assert job.state == Job.State.FAILED
    assert not Round.objects.exists() and not Placement.objects.exists()
    monkeypatch.undo()
    do_retry_job(job)
    run_queued_jobs()
    job.refresh_from_db()
    assert job.state == Job.State.DONE
    assert Round.objects.filter(session=world.session_).count() == 1
    assert LogEntry.objects.filter(session=world.session_, kind="simulation_round").count() == 1
    # Its completion was committed with the round: the job run again (a worker requeueing it) does nothing.
    from residanat.ops.jobs import do_run_job

    do_run_job.call(job.pk)
    assert Round.objects.filter(session=world.session_).count() == 1
