"""The shared allocation pipeline (matching/pipeline.py): an offer built straight into the engine's
objects is the instance the contract's document parses to, and what each wisher gets is what the
engine gives on that document."""

from hypothesis import given, settings

from residanat.matching import couples
from residanat.matching.instance import parse_instance
from residanat.matching.pipeline import Offer, Pair, Program, Quota, Wisher, build_instance, document
from residanat.matching.result import match
from tests.matching.test_properties import instance_data

FAST = settings(max_examples=100, deadline=None)


def offer_of(data) -> Offer:
    """A fake adapter: the document's programs, quotas and candidates as the pipeline's objects."""
    return Offer(
        programs=[Program(p["id"], p["capacity"], item=f"post {p['id']}") for p in data["programs"]],
        quotas=[Quota(q["id"], q["capacity"], tuple(q["programs"])) for q in data.get("quotas", [])],
        wishers=[Wisher(c["id"], c["rank"], tuple(c["preferences"]), item=f"laureate {c['id']}")
                 for c in data["candidates"]])


@FAST
@given(instance_data(rankings=False, quotas=True))
def test_an_offer_built_as_objects_is_the_instance_its_document_parses_to(data):
    offer = offer_of(data)
    built = build_instance(offer.programs, offer.wishers, offer.quotas)
    assert vars(built) == vars(parse_instance(document(built)))
    assert vars(built) == vars(parse_instance(data))


@FAST
@given(instance_data(rankings=False, quotas=True))
def test_each_wisher_gets_what_the_engine_gives_on_the_contract_document(data):
    offer = offer_of(data)
    allocation = offer.run(explanations=True)
    expected = match(parse_instance(data), explanations=True)
    assert allocation.result == expected
    for placed in allocation.placed:
        got = expected["assignments"][placed.wisher.id]
        assert (placed.program.id if placed.program else None) == got
        assert placed.wish_number == (placed.wisher.preferences.index(got) + 1 if got else None)
        if got:
            assert placed.program.item == f"post {got}"
    assert [p.wisher.id for p in allocation.placed] == [c["id"] for c in data["candidates"]]


def test_a_pool_quota_stops_its_posts_before_their_own_seats_run_out():
    offer = Offer(programs=[Program("cardio", 2), Program("pedia", 2)],
                  quotas=[Quota("pool", 2, ("cardio", "pedia"))],
                  wishers=[Wisher("a", 1, ("cardio",)), Wisher("b", 2, ("pedia",)),
                           Wisher("c", 3, ("cardio", "pedia"))])
    placed = {p.wisher.id: p.program and p.program.id for p in offer.run().placed}
    assert placed == {"a": "cardio", "b": "pedia", "c": None}


def test_a_couple_is_placed_in_one_province_or_not_at_all_and_the_same_offer_gives_the_same_digest():
    programs = [Program("P1", 1, place="Tanger"), Program("P2", 1, place="Oujda"), Program("P3", 1, place="Tanger")]
    a, b, c = (Wisher("A", 1, ("P1", "P2")), Wisher("B", 2, ("P2", "P3")), Wisher("C", 3, ("P2",)))
    offer = Offer(programs=programs, wishers=[a, b, c], pairs=[Pair("K", (a, b))])
    first, again = offer.run(), offer.run()
    placed = {p.wisher.id: p.program and p.program.id for p in first.placed}
    assert placed == {"A": "P1", "B": "P3", "C": "P2"}
    assert first.digest == again.digest and len(first.digest) == 64
    assert couples.check(first.instance, first.result.assignments).ok
    assert isinstance(offer.instance(), couples.CouplesInstance)
