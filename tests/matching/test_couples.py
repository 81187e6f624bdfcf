"""Assignment with couples (decision 0016): nobody split, merit for singles, exact on small cases."""

import itertools
import random

import pytest

from residanat.matching.couples import (
    METHOD_CP_SAT,
    METHOD_SERIAL,
    Couple,
    CouplesInstance,
    CouplesInstanceError,
    Post,
    Single,
    check,
    joint_pairs,
    solve,
)


def test_without_couples_it_is_serial_dictatorship():
    posts = [Post("A", 1, "Rabat"), Post("B", 1, "Fès")]
    singles = [Single("s2", 2, ("A", "B")), Single("s1", 1, ("A",)), Single("s3", 3, ("A", "B"))]
    result = solve(CouplesInstance(posts, singles))
    assert result.method == METHOD_SERIAL
    assert result.assignments == {"s1": "A", "s2": "B", "s3": None}


def test_a_couple_gets_two_posts_in_the_same_province():
    posts = [Post("TNG-ANE", 1, "Tanger"), Post("TNG-GYN", 1, "Tanger"), Post("FES-ANE", 1, "Fès"),
             Post("OUJ-GYN", 1, "Oujda")]
    couple = Couple("c", ("wife", "husband"), (2, 3), (("TNG-ANE", "TNG-GYN"),))
    singles = [Single("s1", 1, ("FES-ANE", "TNG-ANE"))]
    result = solve(CouplesInstance(posts, singles, [couple]))
    assert result.method == METHOD_CP_SAT
    assert (result.assignments["wife"], result.assignments["husband"]) == ("TNG-ANE", "TNG-GYN")
    assert result.assignments["s1"] == "FES-ANE"
    assert check(CouplesInstance(posts, singles, [couple]), result.assignments).stable


def test_a_couple_that_cannot_be_placed_together_stays_together_unassigned():
    # The only Tanger gynaecology post goes to a better-ranked single; the wife could have had the
    # Tanger anaesthesia post alone, but the couple is never split.
    posts = [Post("TNG-ANE", 1, "Tanger"), Post("TNG-GYN", 1, "Tanger"), Post("OUJ-GYN", 1, "Oujda")]
    couple = Couple("c", ("wife", "husband"), (2, 3), (("TNG-ANE", "TNG-GYN"),))
    singles = [Single("s1", 1, ("TNG-GYN",)), Single("s4", 4, ("TNG-ANE",))]
    instance = CouplesInstance(posts, singles, [couple])
    result = solve(instance)
    assert result.assignments["wife"] is None and result.assignments["husband"] is None
    assert result.assignments["s1"] == "TNG-GYN"
    # The seat the wife did not take goes on, by merit, to the next candidate who wanted it.
    assert result.assignments["s4"] == "TNG-ANE"
    assert check(instance, result.assignments).stable


def test_the_weaker_partner_never_takes_a_post_from_a_better_ranked_single():
    posts = [Post("A", 1, "Rabat"), Post("B", 1, "Rabat"), Post("C", 1, "Rabat")]
    # The couple (ranks 1 and 3) wants A+B; the single ranked 2 wants B: merit gives B to the single.
    couple = Couple("c", ("m1", "m3"), (1, 3), (("A", "B"), ("A", "C")))
    singles = [Single("s2", 2, ("B",))]
    result = solve(CouplesInstance(posts, singles, [couple]))
    assert result.assignments == {"s2": "B", "m1": "A", "m3": "C"}


def test_two_seats_at_one_post_are_claimed_at_the_worse_partners_rank():
    posts = [Post("A", 2, "Rabat")]
    couple = Couple("c", ("m1", "m3"), (1, 3), (("A", "A"),))
    singles = [Single("s2", 2, ("A",))]
    result = solve(CouplesInstance(posts, singles, [couple]))
    assert result.assignments == {"s2": "A", "m1": None, "m3": None}


def test_joint_pairs_keep_only_posts_in_the_same_place_best_sum_first():
    place = {"R1": "Rabat", "R2": "Rabat", "F1": "Fès", "F2": "Fès"}
    pairs = joint_pairs(["R1", "F1"], ["F2", "R2"], place)
    assert pairs == [("R1", "R2"), ("F1", "F2")]
    assert joint_pairs(["R1", "F1"], ["F2", "R2"], place, limit=1) == [("R1", "R2")]


def test_invalid_instances_are_refused_with_the_reason():
    posts = [Post("A", 1, "Rabat"), Post("B", 1, "Fès")]
    with pytest.raises(CouplesInstanceError, match="not in the same place"):
        CouplesInstance(posts, [], [Couple("c", ("x", "y"), (1, 2), (("A", "B"),))])
    with pytest.raises(CouplesInstanceError, match="rank 1"):
        CouplesInstance(posts, [Single("s", 1, ("A",)), Single("t", 1, ("B",))])
    with pytest.raises(CouplesInstanceError, match="unknown post"):
        CouplesInstance(posts, [Single("s", 1, ("Z",))])


def _random_instance(rng, n_posts=5, n_singles=4, n_couples=2):
    places = ["Rabat", "Fès"]
    posts = [Post(f"p{i}", rng.choice([1, 1, 2]), rng.choice(places)) for i in range(n_posts)]
    place = {p.id: p.place for p in posts}
    ranks = list(range(1, n_singles + 2 * n_couples + 1))
    rng.shuffle(ranks)
    ids = [p.id for p in posts]
    singles = [Single(f"s{i}", ranks.pop(), tuple(rng.sample(ids, rng.randint(1, 3)))) for i in range(n_singles)]
    couples = []
    for i in range(n_couples):
        pairs = joint_pairs(rng.sample(ids, 3), rng.sample(ids, 3), place, limit=3)
        couples.append(Couple(f"c{i}", (f"c{i}a", f"c{i}b"), (ranks.pop(), ranks.pop()), tuple(pairs)))
    return CouplesInstance(posts, singles, couples)


def _every_assignment(instance):
    options = [[None, *s.preferences] for s in instance.singles]
    options += [[(None, None), *c.pairs] for c in instance.couples]
    for choice in itertools.product(*options):
        out = {s.id: post for s, post in zip(instance.singles, choice)}
        for c, pair in zip(instance.couples, choice[len(instance.singles):]):
            out[c.members[0]], out[c.members[1]] = pair
        yield out


@pytest.mark.parametrize("seed", range(40))
def test_small_random_markets_against_every_possible_assignment(seed):
    instance = _random_instance(random.Random(seed))
    result = solve(instance)
    report = check(instance, result.assignments)
    assert report.ok, report  # capacity, no couple split, merit for singles
    assert sorted(result.blocking_couples) == sorted(c for c, _ in report.couples_blocking)
    # Exact: no assignment respecting capacity and merit has fewer blocking couples.
    best = min(len(check(instance, a).couples_blocking) for a in _every_assignment(instance)
               if check(instance, a).ok)
    assert len(result.blocking_couples) == best


def test_the_same_instance_gives_the_same_assignment():
    instance = _random_instance(random.Random(7), n_posts=30, n_singles=40, n_couples=6)
    assert solve(instance).assignments == solve(instance).assignments


def test_when_no_stable_assignment_exists_the_blocking_couple_is_named():
    # Found by search among small markets: every assignment that keeps merit for singles and
    # couples together leaves one couple preferring a pair it could claim.
    posts = [Post("p0", 1, "Fès"), Post("p1", 2, "Rabat"), Post("p2", 2, "Rabat")]
    singles = [Single("s0", 6, ("p0",)), Single("s1", 2, ("p0", "p1", "p2"))]
    couples = [Couple("c0", ("c0a", "c0b"), (5, 3), (("p1", "p1"), ("p1", "p2"), ("p2", "p1"))),
               Couple("c1", ("c1a", "c1b"), (1, 4), (("p1", "p1"), ("p1", "p2"), ("p0", "p0")))]
    instance = CouplesInstance(posts, singles, couples)
    assert not any(check(instance, a).stable for a in _every_assignment(instance))
    result = solve(instance)
    assert len(result.blocking_couples) == 1 and not result.stable
    report = check(instance, result.assignments)
    assert report.ok and [c for c, _ in report.couples_blocking] == result.blocking_couples


def test_each_person_left_without_a_post_gets_the_reason_from_the_data():
    """Issue 18 item 7: a couple left without a post got no reason."""
    from residanat.matching.couples import (COUPLE_NO_PAIR, COUPLE_PAIRS_TAKEN, NO_WISH, WISHES_TAKEN,
                                            unplaced_reasons)

    posts = [Post("TNG-ANE", 1, "Tanger"), Post("TNG-CHI", 1, "Tanger"), Post("FES-GYN", 1, "Fès")]
    singles = [Single("best", 1, ("TNG-ANE",)), Single("late", 5, ("TNG-ANE",)), Single("none", 6, ())]
    taken = Couple("k1", ("wife", "husband"), (2, 3), (("TNG-ANE", "TNG-CHI"),))
    apart = Couple("k2", ("a", "b"), (4, 7), ())  # their lists share no province: no joint pair
    instance = CouplesInstance(posts, singles, [taken, apart])
    result = solve(instance)
    assert {p: result.assignments[p] for p in ("wife", "husband", "late", "none", "a", "b")} == dict.fromkeys(
        ("wife", "husband", "late", "none", "a", "b"))
    reasons = unplaced_reasons(instance, result.assignments, result.blocking_couples)
    assert reasons == {"late": WISHES_TAKEN, "none": NO_WISH, "wife": COUPLE_PAIRS_TAKEN,
                       "husband": COUPLE_PAIRS_TAKEN, "a": COUPLE_NO_PAIR, "b": COUPLE_NO_PAIR}
    assert "best" not in reasons and "TNG-CHI" not in result.assignments.values()


def test_a_couple_left_out_of_an_open_pair_is_named_as_the_unstable_case():
    from residanat.matching.couples import COUPLE_UNSTABLE, unplaced_reasons

    posts = [Post("A", 1, "Rabat"), Post("B", 1, "Rabat")]
    couple = Couple("k", ("x", "y"), (1, 2), (("A", "B"),))
    instance = CouplesInstance(posts, [], [couple])
    assert unplaced_reasons(instance, {"x": None, "y": None}) == {"x": COUPLE_UNSTABLE, "y": COUPLE_UNSTABLE}
