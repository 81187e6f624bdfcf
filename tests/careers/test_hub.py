"""The careers hub shows each role what calls for action in its scope."""

import datetime as dt

import pytest
from django.utils import timezone

from residanat.careers.rotations import do_assign_rotation
from tests.careers.world import CareersWorld

pytestmark = pytest.mark.django_db


def test_the_head_of_service_sees_the_rotations_to_evaluate_and_the_dean_the_services_of_the_faculty(verified_client):
    world = CareersWorld()
    today = timezone.localdate()
    status = world.intern(start=today - dt.timedelta(days=200))
    do_assign_rotation(status=status, service=world.service("general_medicine"), start=today - dt.timedelta(days=170),
                       end=today + dt.timedelta(days=10), by=world.director)
    head = verified_client(world.head_of("general_medicine")).get("/parcours/").content.decode()
    assert '<div class="figure">1</div><div class="caption">stages à valider' in head
    other_head = verified_client(world.head_of("general_surgery")).get("/parcours/").content.decode()
    assert '<div class="figure">0</div><div class="caption">stages à valider' in other_head
    dean = verified_client(world.dean).get("/ar/parcours/").content.decode()
    services = len(world.services)
    assert f'<div class="figure">{services}</div>' in dean
