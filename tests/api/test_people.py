import pytest

from residanat.accounts.roles import Role
from residanat.people.models import Person
from tests.accounts.factories import UserFactory, user_with_role
from tests.api.helpers import token_client
from tests.people.factories import PersonFactory, TraineeStatusFactory
from tests.referential.factories import (
    FacultyFactory,
    HospitalCentreFactory,
    HospitalServiceFactory,
)

pytestmark = pytest.mark.django_db


def listed_ids(client, query=""):
    response = client.get(f"/api/v1/people{query}")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == len(body["items"])
    return {item["id"] for item in body["items"]}


@pytest.fixture
def two_faculties():
    """F1 and F2, each with one intern, plus a person with no status at all."""
    f1, f2 = FacultyFactory(code="fmp-f1"), FacultyFactory(code="fmp-f2")
    at_f1 = TraineeStatusFactory(faculty=f1).person
    at_f2 = TraineeStatusFactory(faculty=f2).person
    return f1, f2, at_f1, at_f2, PersonFactory()


def test_dean_office_lists_only_persons_with_a_status_at_their_faculty(verified_client, two_faculties):
    f1, _, at_f1, _, _ = two_faculties
    dean = verified_client(user_with_role(Role.DEAN_OFFICE, faculty=f1))
    assert listed_ids(dean) == {at_f1.pk}


def test_dean_office_gets_404_not_403_for_a_person_of_another_faculty(verified_client, two_faculties):
    f1, _, at_f1, at_f2, _ = two_faculties
    dean = verified_client(user_with_role(Role.DEAN_OFFICE, faculty=f1))
    assert dean.get(f"/api/v1/people/{at_f1.pk}").status_code == 200
    assert dean.get(f"/api/v1/people/{at_f2.pk}").status_code == 404
    assert dean.get(f"/api/v1/people/{at_f2.pk}/statuses").status_code == 404
    assert dean.get("/api/v1/people/999999").status_code == 404


def test_person_with_a_status_at_two_faculties_is_listed_once(verified_client):
    f1 = FacultyFactory()
    person = TraineeStatusFactory(faculty=f1).person
    TraineeStatusFactory(person=person, faculty=f1)
    dean = verified_client(user_with_role(Role.DEAN_OFFICE, faculty=f1))
    response = dean.get("/api/v1/people")
    assert response.json()["count"] == 1


def test_hospital_director_sees_persons_of_their_chu(verified_client):
    chu, other = HospitalCentreFactory(), HospitalCentreFactory()
    here = TraineeStatusFactory(hospital_centre=chu).person
    TraineeStatusFactory(hospital_centre=other)
    director = verified_client(user_with_role(Role.HOSPITAL_DIRECTOR_OFFICE, hospital_centre=chu))
    assert listed_ids(director) == {here.pk}


def test_head_of_service_sees_only_persons_whose_status_has_their_service(verified_client):
    service = HospitalServiceFactory()
    chu = service.establishment.hospital_centre
    in_service = TraineeStatusFactory(hospital_centre=chu, service=service).person
    same_chu_other_service = TraineeStatusFactory(hospital_centre=chu, service=HospitalServiceFactory()).person
    head = verified_client(user_with_role(Role.HEAD_OF_SERVICE, service=service))
    assert listed_ids(head) == {in_service.pk}
    assert head.get(f"/api/v1/people/{same_chu_other_service.pk}").status_code == 404


def test_trainee_sees_only_themself(two_faculties):
    *_, someone_else = two_faculties
    trainee = user_with_role(Role.TRAINEE)
    me = TraineeStatusFactory(person=PersonFactory(user=trainee)).person
    client = token_client(trainee)
    assert listed_ids(client) == {me.pk}
    assert client.get(f"/api/v1/people/{someone_else.pk}").status_code == 404


def test_ministry_admin_sees_all(verified_client, two_faculties):
    admin = verified_client(user_with_role(Role.MINISTRY_ADMIN))
    assert listed_ids(admin) == set(Person.objects.values_list("pk", flat=True))
    assert len(listed_ids(admin)) == 3


def test_user_without_any_role_sees_nobody(two_faculties):
    assert listed_ids(token_client(UserFactory())) == set()


def test_people_list_is_paginated(verified_client):
    f1 = FacultyFactory()
    for _ in range(3):
        TraineeStatusFactory(faculty=f1)
    dean = verified_client(user_with_role(Role.DEAN_OFFICE, faculty=f1))
    body = dean.get("/api/v1/people?limit=2&offset=0").json()
    assert body["count"] == 3 and len(body["items"]) == 2
    rest = dean.get("/api/v1/people?limit=2&offset=2").json()
    assert len(rest["items"]) == 1
    assert {i["id"] for i in body["items"]}.isdisjoint({i["id"] for i in rest["items"]})


def test_search_matches_french_and_arabic_names_within_the_visible_persons(verified_client):
    f1 = FacultyFactory()
    bennani = TraineeStatusFactory(
        faculty=f1, person=PersonFactory(last_name="Bennani", first_name="Youssef", last_name_ar="بناني")
    ).person
    TraineeStatusFactory(faculty=f1, person=PersonFactory(last_name="Tazi", first_name="Salma"))
    TraineeStatusFactory(person=PersonFactory(last_name="Bennani", first_name="Omar"))  # elsewhere
    dean = verified_client(user_with_role(Role.DEAN_OFFICE, faculty=f1))
    assert listed_ids(dean, "?q=benn") == {bennani.pk}
    assert listed_ids(dean, "?q=بناني") == {bennani.pk}
    assert listed_ids(dean, "?q=bennani%20youssef") == {bennani.pk}
    assert listed_ids(dean, "?q=bennani%20salma") == set()


def test_search_by_cin_works_for_who_may_read_it_and_never_confirms_it_to_others(verified_client):
    service = HospitalServiceFactory()
    f1 = FacultyFactory()
    person = TraineeStatusFactory(faculty=f1, service=service, person=PersonFactory(national_id="AB123456")).person
    dean = verified_client(user_with_role(Role.DEAN_OFFICE, faculty=f1))
    head = verified_client(user_with_role(Role.HEAD_OF_SERVICE, service=service))
    assert listed_ids(dean, "?q=AB123456") == {person.pk}
    assert listed_ids(head, "?q=AB123456") == set()
    assert listed_ids(head) == {person.pk}


def test_national_id_is_shown_to_who_can_change_the_person_and_to_the_person_themself(verified_client):
    service = HospitalServiceFactory()
    f1 = FacultyFactory()
    trainee = user_with_role(Role.TRAINEE)
    person = TraineeStatusFactory(
        faculty=f1, service=service, person=PersonFactory(national_id="AB123456", user=trainee)
    ).person
    url = f"/api/v1/people/{person.pk}"
    dean = verified_client(user_with_role(Role.DEAN_OFFICE, faculty=f1))
    assert dean.get(url).json()["national_id"] == "AB123456"
    assert dean.get("/api/v1/people").json()["items"][0]["national_id"] == "AB123456"
    assert token_client(trainee).get(url).json()["national_id"] == "AB123456"


def test_national_id_is_hidden_from_roles_that_only_read_the_person(verified_client):
    service = HospitalServiceFactory()
    person = TraineeStatusFactory(
        service=service, person=PersonFactory(national_id="AB123456", passport_number="P998877")
    ).person
    head = verified_client(user_with_role(Role.HEAD_OF_SERVICE, service=service))
    detail = head.get(f"/api/v1/people/{person.pk}").json()
    assert detail["national_id"] is None and detail["passport_number"] is None
    assert detail["last_name"] == person.last_name
    listed = head.get("/api/v1/people").json()["items"][0]
    assert listed["national_id"] is None
    assert "AB123456" not in head.get("/api/v1/people").content.decode()


def test_names_are_output_in_french_and_arabic(verified_client):
    f1 = FacultyFactory()
    person = TraineeStatusFactory(faculty=f1).person
    dean = verified_client(user_with_role(Role.DEAN_OFFICE, faculty=f1))
    detail = dean.get(f"/api/v1/people/{person.pk}").json()
    assert detail["last_name_ar"] == "العلوي" and detail["first_name_ar"] == "سلمى"
    status = dean.get(f"/api/v1/people/{person.pk}/statuses").json()[0]
    assert status["faculty"] == {"id": f1.pk, "code": f1.code, "name_fr": f1.name_fr, "name_ar": f1.name_ar}


def test_statuses_show_only_those_within_the_callers_scope(verified_client):
    f1, f2 = FacultyFactory(), FacultyFactory()
    status_f1 = TraineeStatusFactory(faculty=f1)
    TraineeStatusFactory(person=status_f1.person, faculty=f2)
    dean = verified_client(user_with_role(Role.DEAN_OFFICE, faculty=f1))
    statuses = dean.get(f"/api/v1/people/{status_f1.person.pk}/statuses").json()
    assert [s["id"] for s in statuses] == [status_f1.pk]
    assert statuses[0]["kind"] == "intern" and statuses[0]["regime"] == "D93"
    admin = verified_client(user_with_role(Role.MINISTRY_ADMIN))
    assert len(admin.get(f"/api/v1/people/{status_f1.person.pk}/statuses").json()) == 2


# --- PATCH: contact fields only, by those who may change the person ------------------------


def test_patch_by_head_of_service_on_a_visible_person_is_403(verified_client):
    service = HospitalServiceFactory()
    person = TraineeStatusFactory(service=service).person
    head = verified_client(user_with_role(Role.HEAD_OF_SERVICE, service=service))
    response = head.patch(f"/api/v1/people/{person.pk}", {"phone": "0612"}, content_type="application/json")
    assert response.status_code == 403
    person.refresh_from_db()
    assert person.phone == ""


def test_patch_on_a_person_not_visible_is_404(verified_client):
    f1 = FacultyFactory()
    elsewhere = TraineeStatusFactory().person
    dean = verified_client(user_with_role(Role.DEAN_OFFICE, faculty=f1))
    response = dean.patch(f"/api/v1/people/{elsewhere.pk}", {"phone": "0612"}, content_type="application/json")
    assert response.status_code == 404


def test_patch_by_dean_is_200_and_recorded_in_the_persons_history_with_the_user(verified_client):
    f1 = FacultyFactory()
    person = TraineeStatusFactory(faculty=f1).person
    dean_user = user_with_role(Role.DEAN_OFFICE, faculty=f1)
    response = verified_client(dean_user).patch(
        f"/api/v1/people/{person.pk}",
        {"email": "salma@example.ma", "phone": "0612345678", "address": "Rabat"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["email"] == "salma@example.ma"
    person.refresh_from_db()
    assert (person.email, person.phone, person.address) == ("salma@example.ma", "0612345678", "Rabat")
    latest = person.history.latest()
    assert latest.history_type == "~"
    assert latest.history_user == dean_user
    assert "email" in latest.history_change_reason


def test_patch_with_a_token_records_the_token_owner_in_the_history():
    chu = HospitalCentreFactory()
    person = TraineeStatusFactory(hospital_centre=chu).person
    director = user_with_role(Role.HOSPITAL_DIRECTOR_OFFICE, hospital_centre=chu)
    response = token_client(director).patch(
        f"/api/v1/people/{person.pk}", {"phone": "0522"}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert person.history.latest().history_user == director


def test_patch_cannot_change_anything_but_contact_fields(verified_client):
    f1 = FacultyFactory()
    person = TraineeStatusFactory(faculty=f1, person=PersonFactory(national_id="AB1")).person
    dean = verified_client(user_with_role(Role.DEAN_OFFICE, faculty=f1))
    response = dean.patch(
        f"/api/v1/people/{person.pk}", {"national_id": "ZZ9", "last_name": "X"}, content_type="application/json"
    )
    assert response.status_code == 422
    person.refresh_from_db()
    assert person.national_id == "AB1"


def test_patch_with_an_invalid_email_is_422_and_changes_nothing(verified_client):
    f1 = FacultyFactory()
    person = TraineeStatusFactory(faculty=f1).person
    dean = verified_client(user_with_role(Role.DEAN_OFFICE, faculty=f1))
    response = dean.patch(
        f"/api/v1/people/{person.pk}", {"email": "not-an-email", "phone": "0600"}, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "email"
    person.refresh_from_db()
    assert (person.email, person.phone) == ("", "")


def test_patch_without_a_change_writes_no_history(verified_client):
    f1 = FacultyFactory()
    person = TraineeStatusFactory(faculty=f1).person
    before = person.history.count()
    dean = verified_client(user_with_role(Role.DEAN_OFFICE, faculty=f1))
    response = dean.patch(f"/api/v1/people/{person.pk}", {"phone": ""}, content_type="application/json")
    assert response.status_code == 200
    assert person.history.count() == before


def test_trainee_cannot_patch_their_own_person(verified_client):
    trainee = user_with_role(Role.TRAINEE)
    person = PersonFactory(user=trainee)
    response = token_client(trainee).patch(
        f"/api/v1/people/{person.pk}", {"phone": "0600"}, content_type="application/json"
    )
    # Trainees read their file; the units that keep it change it (roles.EDITOR_ROLES).
    assert response.status_code == 403
