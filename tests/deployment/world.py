"""A small deployment world: provinces with a delegation and a hospital each, a campaign, posts,
and specialists under commitment whose residency ended in the cohort's year."""

import datetime as dt

from residanat.discipline.models import Commitment
from residanat.deployment.models import Campaign, Candidate, DeploymentPost
from residanat.people.models import TraineeStatus
from residanat.referential.models import HealthDelegation
from tests.accounts.factories import user_with_role
from tests.people.factories import PersonFactory, TraineeStatusFactory
from tests.referential.factories import EstablishmentFactory, ProvinceFactory, RegionFactory, SpecialtyFactory

from residanat.accounts.roles import Role


class DeploymentWorld:
    def __init__(self, year=2026, state=Campaign.State.WISHES, provinces=("Tanger", "Oujda", "Fès")):
        self.ministry = user_with_role(Role.MINISTRY_ADMIN)
        self.campaign = Campaign.objects.create(year=year, state=state, announced_total=None,
                                                wishes_deadline=dt.date.today() - dt.timedelta(days=1),
                                                taking_up_date=dt.date(year + 1, 1, 4))
        self.anaesthesia = SpecialtyFactory(name_fr="Anesthésie", group="medical")
        self.surgery = SpecialtyFactory(name_fr="Chirurgie générale", group="surgical")
        self.province = {}
        self.hospital = {}
        self.delegation = {}
        for n, name in enumerate(provinces, start=1):
            # Region codes of the 2015 division, which the dashboard's map knows.
            province = ProvinceFactory(name_fr=name, region=RegionFactory(code=f"{n:02d}"))
            self.province[name] = province
            self.hospital[name] = EstablishmentFactory(province=province, hospital_centre=None,
                                                       kind="provincial_hospital", name_fr=f"CHP {name}")
            self.delegation[name] = HealthDelegation.objects.create(province=province, name_fr=f"Délégation {name}",
                                                                    name_ar=f"مندوبية {name}")

    def post(self, place, specialty, seats=1, cohort=2024, purpose="reinforcement"):
        return DeploymentPost.objects.create(campaign=self.campaign, delegation=self.delegation[place],
                                             establishment=self.hospital[place], specialty=specialty,
                                             cohort=cohort, purpose=purpose, seats=seats)

    def specialist(self, specialty, rank, cohort=2024, user=None, faculty=None, hospital_centre=None, **person):
        """A resident who finished in `cohort`, with a commitment in force, as a candidate ranked `rank`."""
        extra = {k: v for k, v in (("faculty", faculty), ("hospital_centre", hospital_centre)) if v is not None}
        status = TraineeStatusFactory(person=PersonFactory(user=user, **person), kind=TraineeStatus.Kind.RESIDENT,
                                      specialty=specialty, start_date=dt.date(cohort - 4, 11, 1),
                                      end_date=dt.date(cohort, 10, 31), end_reason=TraineeStatus.EndReason.COMPLETED,
                                      **extra)
        commitment = Commitment.objects.create(status=status, counterpart="ministry",
                                               signed_on=dt.date(cohort - 4, 11, 1), recorded_by=self.ministry)
        return Candidate.objects.create(campaign=self.campaign, person=status.person, kind=Candidate.Kind.NEW_SPECIALIST,
                                        specialty=specialty, cohort=cohort, status=status, commitment=commitment,
                                        rank=rank)
