"""Bulk registration by the faculty: every row checked before any write, errors naming row and
column, nothing written on any error nor by the dry run, people matched on their CIN (else
passport and nationality), numbers allocated in sequence, provisional eligibility judged."""

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl import Workbook, load_workbook

from residanat.accounts.roles import Role
from residanat.concours.candidate_import import columns_for, do_import_candidates, import_template
from residanat.concours.models import Candidate, Competition, PostAllocation
from residanat.people.models import Person
from tests.accounts.factories import user_with_role
from tests.concours.factories import CandidateFactory, CompetitionFactory
from tests.people.factories import PersonFactory
from tests.referential.factories import FacultyFactory

pytestmark = pytest.mark.django_db
State = Competition.State

RESIDANAT_HEADER = ["cin", "passeport", "nationalite", "nom", "prenom", "nom_ar", "prenom_ar", "date_naissance",
                    "voie", "filiere", "diplome", "date_diplome", "pays_diplome", "equivalence", "exercice_depuis",
                    "service_civil", "mois_internat", "assistant_militaire"]


def row(**values):
    base = {"cin": "BK100001", "nom": "Alami", "prenom": "Yassine", "nom_ar": "العلمي", "prenom_ar": "ياسين",
            "date_naissance": "12/05/1997", "filiere": "medecine", "diplome": "medecine",
            "date_diplome": "01/07/2023", "exercice_depuis": "01/09/2023", "service_civil": "oui"}
    base.update(values)
    return [base.get(key, "") for key in RESIDANAT_HEADER]


def csv_bytes(rows, header=RESIDANAT_HEADER, sep=";"):
    lines = [sep.join(header)] + [sep.join("" if v is None else str(v) for v in r) for r in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def xlsx_bytes(rows, header=RESIDANAT_HEADER):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for r in rows:
        sheet.append(r)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def french():
    # The messages are in the active language; an earlier Arabic request must not leak into these.
    with translation.override("fr"):
        yield


@pytest.fixture
def competition():
    return CompetitionFactory(state=State.REGISTRATION_OPEN, registration_closes_on=dt.date(2026, 11, 30))


@pytest.fixture
def dean(competition):
    return user_with_role(Role.DEAN_OFFICE, faculty=competition.faculty)


def messages(result):
    return [str(e) for e in result.errors]


# --- a good file ----------------------------------------------------------------------------------

def test_the_dry_run_previews_numbers_and_eligibility_and_writes_nothing(competition, dean):
    data = csv_bytes([row(), row(cin="BK100002", nom="Berrada", exercice_depuis="01/06/2026")])
    result = do_import_candidates(competition, data, dean, dry_run=True)

    assert result.ok and not result.written
    assert [(r.row, r.number, r.state) for r in result.rows] == [
        (2, "R26-0001", "eligible"), (3, "R26-0002", "ineligible")]
    assert result.rows[1].reasons[0][1] == "D93 art. 21"
    assert result.rows[1].reasons[0][0].startswith("Exercice effectif depuis le 01/06/2026")
    assert result.counts == {"rows": 2, "new_persons": 2, "existing_persons": 0, "eligible": 1, "ineligible": 1}
    assert not Candidate.objects.exists() and not Person.objects.exists()


def test_the_commit_creates_people_and_candidacies_numbered_in_order_with_eligibility(competition, dean):
    CandidateFactory(competition=competition, number="R26-0007")
    data = xlsx_bytes([row(), row(cin="bk-100002", nom="Berrada", service_civil="non")])
    result = do_import_candidates(competition, data, dean, dry_run=False)

    assert result.written
    first, second = Candidate.objects.filter(number__in=["R26-0008", "R26-0009"]).order_by("number")
    assert (first.person.national_id, first.person.last_name_ar, first.person.birth_date) == (
        "BK100001", "العلمي", dt.date(1997, 5, 12))
    assert (first.diploma, first.practice_since, first.civil_service_in_order) == ("medicine", dt.date(2023, 9, 1), True)
    assert second.person.national_id == "BK100002"
    assert (first.state, second.state) == (Candidate.State.ELIGIBLE, Candidate.State.INELIGIBLE)
    assert [f["code"] for f in second.eligibility] == ["civil_service"]
    assert first.attempt_number == 1
    assert not first.self_registered and first.registered_by == dean
    assert first.history.first().history_user == dean


def test_an_existing_person_is_matched_on_the_cin_or_on_passport_and_nationality(competition, dean):
    moroccan = PersonFactory(national_id="BK100001", last_name="Alami", first_name="Yassine")
    foreign = PersonFactory(national_id=None, passport_number="A7654321", nationality="SN", last_name="Diop",
                            first_name="Awa")
    data = csv_bytes([
        row(),
        row(cin="", passeport="A7654321", nationalite="SN", nom="Diop", prenom="Awa", pays_diplome="SN",
            equivalence="Arrêté 123-24", service_civil="non"),
    ])
    result = do_import_candidates(competition, data, dean, dry_run=False)

    assert result.counts["new_persons"] == 0 and result.counts["existing_persons"] == 2
    assert Person.objects.count() == 2
    assert {c.person for c in Candidate.objects.all()} == {moroccan, foreign}
    # A foreign candidate owes no civil service (D93 art. 21) and has the equivalence.
    assert Candidate.objects.get(person=foreign).state == Candidate.State.ELIGIBLE


def test_a_name_that_differs_from_the_file_on_record_is_a_warning_and_the_record_is_kept(competition, dean):
    PersonFactory(national_id="BK100001", last_name="Alaoui", first_name="Yassine")
    result = do_import_candidates(competition, csv_bytes([row()]), dean, dry_run=False)
    assert result.written
    assert [str(w) for w in result.warnings] == [
        "ligne 2, colonne nom : personne déjà enregistrée sous le nom ALAOUI Yassine : son dossier est repris tel quel"]
    assert Candidate.objects.get().person.last_name == "Alaoui"


def test_titles_routes_read_their_own_column_only(competition, dean):
    data = csv_bytes([
        row(voie="titres_interne", diplome="", date_diplome="", exercice_depuis="", mois_internat="24"),
        row(cin="BK100002", voie="titres_militaire", diplome="", assistant_militaire="oui"),
    ])
    result = do_import_candidates(competition, data, dean, dry_run=False)
    assert result.written, messages(result)
    intern, military = Candidate.objects.order_by("number")
    assert (intern.route, intern.internat_months_validated, intern.state) == ("titles_intern", 24, "eligible")
    assert (military.route, military.military_assistant_passed, military.diploma) == ("titles_military", True, "")
    assert military.attempt_number is None  # admission on titles is not an attempt


def test_d93_art_21_an_intern_on_titles_is_read_the_civil_service_column(competition, dean):
    """D93 art. 21: "ويجب على المترشحين المدنيين المغاربة المشار إليهم في الفقرتين 1 و2 …
    الخدمة المدنية": the interns of paragraph 1 (on titles) owe it as the doctors of paragraph 2."""
    data = csv_bytes([
        row(voie="titres_interne", diplome="", date_diplome="", exercice_depuis="", mois_internat="24",
            service_civil="non"),
        row(cin="BK100002", voie="titres_interne", diplome="", date_diplome="", exercice_depuis="",
            mois_internat="24"),
    ])
    result = do_import_candidates(competition, data, dean, dry_run=False)
    assert result.written, messages(result)
    out_of_order, in_order = Candidate.objects.order_by("number")
    assert (out_of_order.civil_service_in_order, out_of_order.state) == (False, "ineligible")
    assert [(f["code"], f["ref"]) for f in out_of_order.eligibility] == [("civil_service", "D93 art. 21")]
    assert (in_order.civil_service_in_order, in_order.state) == (True, "eligible")


def test_d93_art_21_2_a_veterinary_doctor_needs_no_practice_column(competition, dean):
    """D93 art. 21 2°: the year of practice is asked of the doctors in medicine, pharmacy and dental
    medicine ("الذين قضوا جميعا سنة من الممارسة الفعلية بهذه الصفة"), not of the veterinary doctor."""
    PostAllocation.objects.create(competition=competition, seat_type=PostAllocation.SeatType.CONTRACT,
                                  group="biological", track="medicine", seats=2)
    data = csv_bytes([row(diplome="veterinaire", exercice_depuis="")])
    result = do_import_candidates(competition, data, dean, dry_run=False)
    assert result.written, messages(result)
    candidate = Candidate.objects.get()
    assert (candidate.diploma, candidate.practice_since, candidate.state) == ("veterinary", None, "eligible")
    # A doctor of medicine without the column is still refused, naming it.
    result = do_import_candidates(competition, csv_bytes([row(cin="BK100002", exercice_depuis="")]), dean,
                                  dry_run=True)
    assert not result.written and "exercice_depuis" in messages(result)[0]


def test_an_internat_file_reads_the_faculty_code_and_the_validated_years(dean):
    faculty = FacultyFactory(code="fmp-rabat")
    competition = CompetitionFactory(kind="internat", faculty=dean.role_assignments.get().faculty,
                                     state=State.REGISTRATION_OPEN, registration_closes_on=dt.date(2026, 5, 15))
    header = ["cin", "nom", "prenom", "filiere", "faculte_inscription", "annee_etudes", "annees_validees"]
    data = csv_bytes([["BK1", "Alami", "Sara", "medecine", "FMP-Rabat", "6", "5"],
                      ["BK2", "Tazi", "Omar", "pharmacie", "fmp-rabat", "5", "3"]], header=header, sep=",")
    result = do_import_candidates(competition, data, dean, dry_run=False)
    assert result.written, messages(result)
    sara, omar = Candidate.objects.order_by("number")
    assert (sara.number, sara.enrolment_faculty, sara.validated_years, sara.state) == ("I26-0001", faculty, 5,
                                                                                       "eligible")
    assert omar.state == "eligible"  # pharmacy: 3 years (D93 art. 8)


# --- errors ---------------------------------------------------------------------------------------

def test_every_error_names_its_row_and_column_and_nothing_is_written(competition, dean):
    data = csv_bytes([
        row(),  # valid: still not written
        row(cin="123456"),
        row(cin="BK100003", date_diplome="2023/31/12"),
        row(cin="BK100004", service_civil="peut-être"),
        row(cin="BK100005", filiere="veterinaire"),
        row(cin="BK100006", nom=""),
        row(cin="BK100007", nationalite="FR"),
        row(cin="BK100008", exercice_depuis=""),
    ])
    result = do_import_candidates(competition, data, dean, dry_run=False)

    assert not result.ok and not result.written and result.rows == []
    assert messages(result) == [
        "ligne 3, colonne cin : « 123456 » n'est pas un numéro de CIN (une ou deux lettres puis des chiffres, par ex. BK123456)",
        "ligne 4, colonne date_diplome : « 2023/31/12 » n'est pas une date (jj/mm/aaaa ou aaaa-mm-jj)",
        "ligne 5, colonne service_civil : « peut-être » : répondez oui ou non",
        "ligne 6, colonne filiere : « veterinaire » n'est pas une valeur permise (medecine, pharmacie, dentaire)",
        "ligne 7, colonne nom : valeur obligatoire",
        "ligne 8, colonne cin : un candidat étranger n'a pas de CIN : indiquez son passeport",
        "ligne 8, colonne passeport : le passeport est obligatoire pour un candidat étranger (nationalité FR)",
        "ligne 9, colonne exercice_depuis : valeur obligatoire pour la voie « sur concours »",
    ]
    assert not Candidate.objects.exists() and not Person.objects.exists()


def test_a_cin_twice_in_the_file_is_reported_with_the_first_row(competition, dean):
    result = do_import_candidates(competition, csv_bytes([row(), row(nom="Autre"), row(cin="bk 100001")]), dean)
    assert messages(result) == ["ligne 3, colonne cin : la même CIN figure déjà ligne 2",
                                "ligne 4, colonne cin : la même CIN figure déjà ligne 2"]


def test_a_person_already_candidate_to_the_competition_is_refused(competition, dean):
    existing = CandidateFactory(competition=competition, number="R26-0001",
                                person=PersonFactory(national_id="BK100001"))
    result = do_import_candidates(competition, csv_bytes([row(cin="BK100009"), row()]), dean, dry_run=False)
    assert messages(result) == ["ligne 3, colonne cin : déjà candidat à ce concours (n° R26-0001)"]
    assert list(Candidate.objects.all()) == [existing]


def test_missing_columns_are_reported_on_the_header_row(competition, dean):
    result = do_import_candidates(competition, csv_bytes([["X"]], header=["numero"]), dean)
    assert messages(result) == [
        "ligne 1, colonne nom : colonne absente de l'en-tête",
        "ligne 1, colonne prenom : colonne absente de l'en-tête",
        "ligne 1, colonne filiere : colonne absente de l'en-tête",
        "ligne 1, colonne cin : il faut au moins une colonne cin ou passeport",
    ]


def test_a_column_of_another_kind_of_competition_is_refused(competition, dean):
    header = RESIDANAT_HEADER + ["annees_validees"]
    result = do_import_candidates(competition, csv_bytes([row() + ["5"]], header=header), dean)
    assert messages(result) == ["ligne 1, colonne annees_validees : colonne sans objet pour un concours de type "
                                "« résidanat »"]


def test_an_unknown_faculty_code_is_an_error(dean):
    competition = CompetitionFactory(kind="internat", faculty=dean.role_assignments.get().faculty,
                                     state=State.REGISTRATION_OPEN)
    header = ["cin", "nom", "prenom", "filiere", "faculte_inscription", "annee_etudes", "annees_validees"]
    result = do_import_candidates(competition, csv_bytes([["BK1", "A", "B", "medecine", "fmp-nulle-part", "6", "8"]],
                                                         header=header), dean)
    assert messages(result) == [
        "ligne 2, colonne faculte_inscription : code de faculté inconnu « fmp-nulle-part » (voir la feuille Aide "
        "du modèle)",
        "ligne 2, colonne annees_validees : 8 n'est pas entre 0 et 7",
    ]


def test_an_empty_or_unreadable_file_is_an_error(competition, dean):
    assert messages(do_import_candidates(competition, b"", dean)) == ["ligne 1 : le fichier est vide"]
    assert messages(do_import_candidates(competition, csv_bytes([]), dean)) == [
        "ligne 1 : le fichier ne contient aucune ligne de candidat"]
    assert "illisible" in messages(do_import_candidates(competition, b"PK\x03\x04broken", dean))[0]


def test_only_who_may_change_the_competition_imports_and_only_while_registration_is_open(competition):
    data = csv_bytes([row()])
    for reader in (user_with_role(Role.HIGHER_EDUCATION_OFFICER),
                   user_with_role(Role.DEAN_OFFICE, faculty=FacultyFactory())):
        with pytest.raises(PermissionDenied):
            do_import_candidates(competition, data, reader)
    Competition.objects.filter(pk=competition.pk).update(state=State.REGISTRATION_CLOSED)
    competition.refresh_from_db()
    with pytest.raises(ValidationError, match="pas ouvertes"):
        do_import_candidates(competition, data, user_with_role(Role.MINISTRY_ADMIN))
    assert not Candidate.objects.exists()


# --- the template ---------------------------------------------------------------------------------

def test_the_template_has_the_columns_of_the_kind_and_an_aide_sheet_and_reads_back(competition, dean):
    FacultyFactory(code="fmp-oujda")
    workbook = load_workbook(io.BytesIO(import_template(competition)))
    assert workbook.sheetnames == ["Candidats", "Aide"]
    header = [c.value for c in workbook["Candidats"][1]]
    assert header == [c.key for c in columns_for("residanat")]
    assert "annees_validees" not in header and "diplome" in header
    aide = [[c.value for c in r] for r in workbook["Aide"].iter_rows()]
    assert aide[0] == ["Colonne", "Contenu", "Exemple"]
    assert {r[0] for r in aide} >= set(header)

    internat = load_workbook(io.BytesIO(import_template(CompetitionFactory(kind="internat"))))
    assert "fmp-oujda" in {r[0].value for r in internat["Aide"].iter_rows()}

    sheet = workbook["Candidats"]
    values = dict(zip(RESIDANAT_HEADER, row()))
    sheet.append([values.get(key, "") for key in header])
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = do_import_candidates(competition, buffer.getvalue(), dean, dry_run=False)
    assert result.written, messages(result)


# --- the page -------------------------------------------------------------------------------------

def test_the_import_page_previews_then_writes_on_confirmation(competition, dean, verified_client):
    client = verified_client(dean)
    url = f"/concours/{competition.slug}/candidats/import/"
    assert client.get(url).status_code == 200
    upload = SimpleUploadedFile("candidats.csv", csv_bytes([row(), row(cin="BK100002")]), "text/csv")
    preview = client.post(url, {"action": "preview", "file": upload})
    assert preview.status_code == 200
    assert "R26-0002" in preview.content.decode()
    assert not Candidate.objects.exists()

    done = client.post(url, {"action": "confirm", "token": preview.context["token"]})
    assert done.status_code == 302 and done["Location"] == f"/concours/{competition.slug}/candidats/"
    assert Candidate.objects.count() == 2


def test_the_import_page_shows_the_errors_and_keeps_nothing_to_confirm(competition, dean, verified_client):
    client = verified_client(dean)
    url = f"/concours/{competition.slug}/candidats/import/"
    upload = SimpleUploadedFile("candidats.csv", csv_bytes([row(cin="12")]), "text/csv")
    page = client.post(url, {"action": "preview", "file": upload}).content.decode()
    assert "n&#x27;est pas un numéro de CIN" in page
    confirm = client.post(url, {"action": "confirm", "token": "x"})
    assert confirm.status_code == 302 and not Candidate.objects.exists()


def test_a_reader_of_the_competition_gets_403_on_the_import_page(competition, verified_client):
    chu_committee = user_with_role(Role.HIGHER_EDUCATION_OFFICER)
    response = verified_client(chu_committee).get(f"/concours/{competition.slug}/candidats/import/")
    assert response.status_code == 403
