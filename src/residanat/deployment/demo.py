"""The deployment demo: the 2025 campaign (223 posts) and the 2026 one reproducing seed 001
(695 posts; data/campagne-2026.csv, made by tools/make_deployment_demo.py), loaded through the
same import as a real file; 40 new specialists under commitment and 2 of the transfer movement with
their wishes, three couples (two posted together, one that cannot be and stays unassigned
together), a what-if run and the final one."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from residanat.discipline.models import Commitment
from residanat.people.models import TraineeStatus
from residanat.referential.models import Faculty, HospitalCentre, Specialty

from . import services
from .candidates_import import import_candidates
from .models import Campaign, Candidate, Run
from .posts_import import import_posts

DATA = Path(__file__).with_name("data")
SPECIALTIES = ("anaesthesia-reanimation", "general-surgery", "obstetrics-gynaecology", "paediatrics", "cardiology")


def load_deployment_demo(maker, ministry_user, specialist_user) -> None:
    if Campaign.objects.exists():
        return
    before = Campaign.objects.create(year=2025, announced_total=223)
    _import(before, "campagne-2025.csv", ministry_user)
    before.state = Campaign.State.FINAL
    before.save(update_fields=["state"])

    campaign = Campaign.objects.create(year=2026, announced_total=695)
    _import(campaign, "campagne-2026.csv", ministry_user)
    services.do_open_wishes(campaign, ministry_user, deadline=dt.date(2026, 11, 30), taking_up=dt.date(2027, 1, 4))

    rng = random.Random(2026)
    faculty = Faculty.objects.get(code="fmp-casablanca")
    centre = HospitalCentre.objects.get(code="chu-ibn-rochd")
    specialties = {s.code: s for s in Specialty.objects.filter(code__in=SPECIALTIES, group__in=["medical", "surgical"])}
    for n in range(40):
        code = SPECIALTIES[n % len(SPECIALTIES)]
        cohort = 2024 if n % 3 else 2023
        person = maker.make()
        status = TraineeStatus.objects.create(
            person=person, kind=TraineeStatus.Kind.RESIDENT, track="medicine", faculty=faculty, hospital_centre=centre,
            specialty=specialties[code], start_date=dt.date(cohort - 4, 11, 1), end_date=dt.date(cohort, 10, 31),
            end_reason=TraineeStatus.EndReason.COMPLETED, decision_ref="Arrêté de nomination (démo)")
        Commitment.objects.create(status=status, counterpart=Commitment.Counterpart.MINISTRY,
                                  signed_on=dt.date(cohort - 4, 11, 1), recorded_by=ministry_user)
    transfers = [(maker.make(), "mutation", code, "") for code in ("paediatrics:medical", "cardiology:medical")]
    # Everyone the careers and commitments make eligible (not the former resident of the commitments
    # demo: serving since 2023, they were posted before), then the annual transfer movement, in one
    # merit list: 42 specialists.
    services.do_propose_candidates(campaign, ministry_user)
    rows = [(c.person, "nouveau", f"{c.specialty.code}:{c.specialty.group}", c.cohort) for c in campaign.candidates.select_related("person", "specialty")]
    rows += transfers
    order = list(range(1, len(rows) + 1))
    rng.shuffle(order)
    lines = ["cin;categorie;specialite;promotion;rang"]
    lines += [f"{p.national_id};{kind};{code};{cohort};{rank}" for (p, kind, code, cohort), rank in zip(rows, order)]
    result = import_candidates(campaign, "\n".join(lines).encode(), ministry_user, dry_run=False)
    assert result.ok, result.error_messages()

    candidates = list(campaign.candidates.select_related("specialty").order_by("rank"))
    for c in candidates:
        posts = list(services.acceptable_posts(c).order_by("pk"))
        rng.shuffle(posts)
        services.do_set_wishes(c, [p.pk for p in posts[:8]], ministry_user)
    _couples(campaign, candidates, ministry_user)
    specialist = campaign.couples.order_by("pk").first().first.person
    specialist.user = specialist_user
    specialist.save(update_fields=["user"])

    services.do_run_campaign(campaign, Run.Kind.WHAT_IF, ministry_user)
    services.do_run_campaign(campaign, Run.Kind.FINAL, ministry_user)


def _import(campaign, name, by):
    data = (DATA / name).read_bytes()
    check = import_posts(campaign, data, by, dry_run=True)
    assert check.ok, check.error_messages()
    import_posts(campaign, data, by, dry_run=False)


def _couples(campaign, candidates, by):
    """Two couples who list posts in common provinces, and one whose only province's
    anaesthesia seat goes to the best-ranked anaesthetist: it stays unassigned, together."""
    by_code = {}
    for c in candidates:
        if c.kind == Candidate.Kind.NEW_SPECIALIST:
            by_code.setdefault((c.specialty.code, c.cohort), []).append(c)
    anaesthetists = by_code[("anaesthesia-reanimation", 2024)]
    surgeons = by_code[("general-surgery", 2024)]
    gynaecologists = by_code[("obstetrics-gynaecology", 2024)]
    paediatricians = by_code[("paediatrics", 2024)]

    def pairs_in_common(a, b, limit=4):
        pa, pb = list(services.acceptable_posts(a)), list(services.acceptable_posts(b))
        provinces = sorted({p.establishment.province_id for p in pa} & {p.establishment.province_id for p in pb})
        wa = [p.pk for p in pa if p.establishment.province_id in provinces[:limit]]
        wb = [p.pk for p in pb if p.establishment.province_id in provinces[:limit]]
        services.do_set_wishes(a, wa, by)
        services.do_set_wishes(b, wb, by)

    for a, b in ((gynaecologists[-1], paediatricians[-1]), (surgeons[1], gynaecologists[1])):
        pairs_in_common(a, b)
        services.do_record_couple(a, b, by)
    # The best anaesthetist's first wish is a province's only anaesthesia seat; the couple's
    # anaesthetist, ranked below, wants only that province.
    best, wife, husband = anaesthetists[0], anaesthetists[-1], surgeons[-1]
    surgery = {p.establishment.province_id: p for p in services.acceptable_posts(husband)}
    seat = next(p for p in services.acceptable_posts(wife).order_by("pk")
                if p.seats == 1 and p.establishment.province_id in surgery
                and not services.acceptable_posts(wife).filter(establishment__province=p.establishment.province_id)
                .exclude(pk=p.pk).exists())
    services.do_set_wishes(best, [seat.pk] + [w.post_id for w in best.wishes.exclude(post=seat)], by)
    services.do_set_wishes(wife, [seat.pk], by)
    services.do_set_wishes(husband, [surgery[seat.establishment.province_id].pk], by)
    services.do_record_couple(wife, husband, by)
