"""More than one machine (issue 22 item 6): two `residanat serve` on two ports, one database, one
cache, behave as one site. A person signs in through the first and goes on through the second with
the same cookie, what one writes the other shows, a limit counts the requests of both, and a
heartbeat written elsewhere is seen by both. Run with the database cache (the default), and on
PostgreSQL with Redis (CACHE_URL) too. A worker process joins them with `two_servers.environ`."""

import datetime as dt
import json
import signal
import time
import uuid
from pathlib import Path

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.contrib.sessions.models import Session
from django.utils import timezone

from residanat.accounts.models import User
from residanat.ops import heartbeat

from tests.documents.helpers import pdf_text

from .helpers import Browser, launch

# Committed rows, and no transaction of the test holding SQLite's write lock while a server writes.
pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "deux-serveurs-une-base"


@pytest.fixture
def person():
    """An account with no role (no TOTP step), its password hashed by a hasher the production
    settings know (the tests' MD5 is not one)."""
    hasher = PBKDF2PasswordHasher()
    return User.objects.create(username=f"deux-{uuid.uuid4().hex[:8]}", email="deux@example.ma",
                               password=hasher.encode(PASSWORD, hasher.salt(), iterations=1000))


def sign_in(browser, server, user):
    status, landed, page = browser.post_form(server.url + "/compte/connexion/",
                                             {"username": user.username, "password": PASSWORD})
    assert status == 200 and "/connexion/" not in landed, server.stderr()[-3000:]
    return browser.cookie("sessionid")


def test_a_session_opened_on_one_server_is_honoured_by_the_other(two_servers, person):
    first, second = two_servers.first, two_servers.second
    browser = Browser()
    session = sign_in(browser, first, person)
    status, landed, page = browser.request(second.url + "/compte/")
    assert status == 200 and landed == second.url + "/compte/"
    assert person.username in page
    # Signed out through the second, the session is gone for the first too.
    browser.request(second.url + "/compte/deconnexion/", {"csrfmiddlewaretoken": browser.cookie("csrftoken")})
    assert not Session.objects.filter(session_key=session).exists()
    status, landed, page = Browser(Cookie=f"sessionid={session}").request(first.url + "/compte/")
    assert "/compte/connexion/" in landed


def test_what_one_server_writes_the_other_shows(two_servers, person):
    first, second = two_servers.first, two_servers.second
    browser = Browser()
    sign_in(browser, second, person)
    name = f"jeton-{uuid.uuid4().hex[:6]}"
    status, _, page = browser.post_form(first.url + "/compte/", {"action": "token", "name": name})
    assert status == 200 and name in page
    assert person.api_tokens.get().name == name
    status, _, page = browser.request(second.url + "/compte/")
    assert status == 200 and name in page


def test_a_limit_counts_the_requests_of_both_servers(two_servers):
    # VERIFICATION_RATE is 3/h for these servers; the proxy names the client (BEHIND_PROXY).
    browser = Browser(**{"X-Forwarded-For": f"203.0.113.{uuid.uuid4().int % 250 + 1}"})
    asked = "/documents/verifier/?number=RSD-2026-000001&hash=0"
    answers = [browser.request(server.url + asked)[0]
               for server in (two_servers.first, two_servers.second, two_servers.first, two_servers.second)]
    assert answers == [200, 200, 200, 429]
    # Another address is not held back by the first one's count.
    assert Browser(**{"X-Forwarded-For": "198.51.100.7"}).request(two_servers.first.url + asked)[0] == 200


def test_a_worker_heartbeat_written_elsewhere_is_seen_by_both_servers(two_servers):
    beat = timezone.now().replace(microsecond=0) - dt.timedelta(seconds=5)
    two_servers.cache.set(heartbeat.KEY, beat.isoformat(), timeout=None)
    for server in (two_servers.first, two_servers.second):
        status, _, body = server.get("/sante/")
        assert status == 200
        assert json.loads(body)["worker"] == {"status": "ok", "last_heartbeat": beat.isoformat()}
    two_servers.cache.delete(heartbeat.KEY)


# --- a worker beside them: a long list started on one server, followed and fetched on the other ------

LIST_ROWS = 160  # above publication.SYNC_ROWS: the servers leave it to the worker


@pytest.fixture
def long_list():
    """A deliberated résidanat competition of LIST_ROWS candidates, and its dean's office (TOTP
    enrolled, password hashed as production hashes)."""
    from residanat.accounts.roles import Role
    from residanat.concours import publication
    from tests.accounts.factories import totp_device, user_with_role
    from tests.concours.merit_world import World

    assert LIST_ROWS > publication.SYNC_ROWS
    world = World(contract=LIST_ROWS // 4, volunteer=0)
    for i in range(LIST_ROWS):
        # Distinct totals: no tie across the last seat holds the jury back.
        world.candidate(f"L{i + 1:03d}", 20 - i * 0.05, 20 - i * 0.05, national_id=f"LL{i:06d}")
    world.deliberate()
    office = user_with_role(Role.DEAN_OFFICE, faculty=world.competition.faculty)
    hasher = PBKDF2PasswordHasher()
    office.password = hasher.encode(PASSWORD, hasher.salt(), iterations=1000)
    office.save()
    world.office, world.device = office, totp_device(office)
    return world


def sign_in_with_totp(browser, server, user, device):
    from django_otp.oath import totp

    sign_in(browser, server, user)
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    status, landed, page = browser.post_form(server.url + "/compte/verification/", {"token": code})
    assert status == 200 and "/verification/" not in landed, page[-2000:]


# Ceilings for a busy machine (a worker starts in 2 s and renders these rows in 2 s when idle).
PATIENCE = 180


def wait_for(condition, seconds, what):
    deadline = time.monotonic() + seconds
    while not (found := condition()):
        assert time.monotonic() < deadline, f"{what}: not within {seconds} s"
        time.sleep(0.05)
    return found


def test_a_list_started_on_one_server_is_made_by_a_worker_killed_midway_and_fetched_on_the_other(
        two_servers, long_list):
    from django_tasks_db.models import DBTaskResult

    from residanat.concours import publication
    from residanat.ops.models import Job

    first, second = two_servers.first, two_servers.second
    competition = long_list.competition
    browser = Browser()
    sign_in_with_totp(browser, first, long_list.office, long_list.device)
    url = f"/concours/{competition.slug}/classement/liste.pdf?lang=fr"
    status, _, page = browser.request(first.url + url)
    assert status == 202 and f"{LIST_ROWS} candidats" in page
    job = Job.objects.get(started_by=long_list.office)
    assert job.kind == publication.RENDERING_JOB and job.state == Job.State.QUEUED
    stored = Path(two_servers.environ["MEDIA_ROOT"]) / "listes" / competition.slug

    # A worker process of its own, with a fixed id (as under systemd), killed in the middle of the job.
    worker_id = f"machine-3-{uuid.uuid4().hex[:6]}"
    arguments = ["worker", "--batch", "--no-startup-delay", "--interval", "0.1", "--worker-id", worker_id]
    workers = [launch(arguments, two_servers.environ, two_servers.folder / "worker-1")]
    try:
        wait_for(lambda: Job.objects.get(pk=job.pk).state == Job.State.RUNNING, PATIENCE, "the worker took the job")
        workers[0].send_signal(signal.SIGKILL)
        assert workers[0].wait(10) == -signal.SIGKILL
        assert not stored.exists() or not any(stored.iterdir()), "killed too late: the document was already made"
        # The other server shows the job under way, to the same person (same session cookie).
        status, _, page = browser.request(f"{second.url}/taches/{job.pk}/")
        assert status == 200 and 'hx-get="/taches/' in page and "Ouvrir le document" not in page

        # Started again, the worker takes back what it held and finishes it.
        workers.append(launch(arguments, two_servers.environ, two_servers.folder / "worker-2"))
        page = wait_for(lambda: (lambda p: "Ouvrir le document" in p and p)(
            browser.request(f"{second.url}/taches/{job.pk}/")[2]), PATIENCE, "the job page shows the document")
        assert workers[1].wait(PATIENCE) == 0, (two_servers.folder / "worker-2" / "stderr").read_text()[-2000:]
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait()

    job.refresh_from_db()
    assert job.state == Job.State.DONE and f'href="{job.result_url.replace("&", "&amp;")}"' in page
    status, kind, pdf = browser.download(second.url + job.result_url)
    assert status == 200 and kind == "application/pdf" and pdf.startswith(b"%PDF-")
    text = pdf_text(pdf)
    assert publication.competition_title(competition) in text
    assert all(number in text for number in ("L001", "L080", f"L{LIST_ROWS:03d}"))
    # Made once: one job, one task run twice by the same worker id, one stored file.
    assert Job.objects.filter(key=job.key).count() == 1
    task = DBTaskResult.objects.get(pk=job.task_id)
    assert task.status == "SUCCESSFUL" and task.worker_ids == [worker_id, worker_id]
    assert [path.read_bytes() for path in stored.iterdir()] == [pdf]
