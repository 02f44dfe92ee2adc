"""The daily re-check of maintainer claims against the local fake GitHub: claims whose
maintainers do not act are confirmed, or lapse in public, without waiting for an action."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from allauth.socialaccount.models import SocialToken
from django.core.management import call_command
from django.tasks import TaskResultStatus
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from pytest_django.fixtures import Settings
from pytest_httpserver import HTTPServer

from packagegrid.conftest import make_package, make_user
from packagegrid.fetchers.http import HttpClient
from packagegrid.lib.daily import next_run_at
from packagegrid.maintainers.models import MaintainerClaim, MaintainerEvent
from packagegrid.maintainers.services import maintainer_claims_recheck
from packagegrid.maintainers.tasks import recheck_maintainer_claims
from packagegrid.maintainers.tests.conftest import github_login, grant

DAY = 24 * 3600


def _claim(name: str, *, days_ago: float = 2, status: str = "verified") -> MaintainerClaim:
    """`name` logged in with GitHub (token gho_<name>) and claimed example/<name>."""
    user = make_user(name)
    github_login(user, token=f"gho_{name}")
    package = make_package(slug=name, repo_url=f"https://github.com/example/{name}")
    return MaintainerClaim.objects.create(
        package=package,
        user=user,
        github_login=name,
        permission="admin",
        status=status,
        checked_at=timezone.now() - timedelta(days=days_ago),
    )


def _status(claim: MaintainerClaim) -> str:
    claim.refresh_from_db()
    return claim.status


def _lapses(claim: MaintainerClaim) -> list[str]:
    return [
        str(event.detail["why"])
        for event in MaintainerEvent.objects.filter(claim=claim, kind=MaintainerEvent.Kind.LAPSED)
    ]


def _quick() -> HttpClient:
    return HttpClient(retries=0)


@pytest.mark.django_db
def test_it_confirms_kept_rights_and_lapses_lost_ones_in_public(
    github: HTTPServer, settings: Settings, client: Client
) -> None:
    settings.MAINTAINER_RECHECK_SECONDS = DAY
    kept, lost, refused = _claim("kept"), _claim("lost"), _claim("refused")
    fresh = _claim("fresh", days_ago=0.5)  # confirmed lately: not asked
    revoked = _claim("revoked", status="revoked")  # ended: not asked
    before = kept.checked_at
    grant(github, repo="example/kept", token="gho_kept", maintain=True)
    grant(github, repo="example/lost", token="gho_lost")  # neither admin nor maintain
    grant(github, repo="example/refused", token="gho_refused", status=401)

    run = maintainer_claims_recheck(client=_quick())

    assert (run.confirmed, run.lapsed, run.waiting) == (1, 2, 0)
    assert len(github.log) == 3
    assert [_status(c) for c in (kept, lost, refused, fresh, revoked)] == [
        "verified",
        "lapsed",
        "lapsed",
        "verified",
        "revoked",
    ]
    assert kept.permission == "maintain"
    assert kept.checked_at > before
    assert _lapses(lost) == ["@lost has neither admin nor maintain rights on example/lost."]
    assert _lapses(refused) == ["GitHub refused the claimant's login token."]
    assert _lapses(kept) == []
    page = client.get("/packages/lost/maintainers/").content.decode()
    assert "Claim lapsed: GitHub no longer grants the rights" in page
    assert "neither admin nor maintain rights on example/lost" in page


@pytest.mark.django_db
def test_a_claim_without_a_usable_token_lapses(github: HTTPServer) -> None:
    claim = _claim("expired")
    token = SocialToken.objects.get(account__user=claim.user)
    token.expires_at = timezone.now() - timedelta(days=1)
    token.save(update_fields=["expires_at"])
    run = maintainer_claims_recheck(client=_quick())
    assert (run.confirmed, run.lapsed) == (0, 1)
    assert len(github.log) == 0  # nothing to ask GitHub with
    assert _status(claim) == "lapsed"
    assert _lapses(claim) == ["The claimant's GitHub login is no longer linked to this site."]


@pytest.mark.django_db
def test_it_stops_when_github_cannot_answer_and_changes_nothing(github: HTTPServer) -> None:
    first, second = _claim("first", days_ago=3), _claim("second")
    github.expect_request("/repos/example/first").respond_with_data("{}", status=502)
    grant(github, repo="example/second", token="gho_second")
    before = first.checked_at
    run = maintainer_claims_recheck(client=_quick())
    assert (run.confirmed, run.lapsed, run.waiting) == (0, 0, 2)
    assert len(github.log) == 1  # the second claim waits for the next run
    assert [_status(first), _status(second)] == ["verified", "verified"]
    assert first.checked_at == before
    assert not MaintainerEvent.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_worker_rechecks_and_schedules_the_next_day(github: HTTPServer) -> None:
    lost = _claim("lost")
    grant(github, repo="example/lost", token="gho_lost")
    first = recheck_maintainer_claims.enqueue(at="05:00")
    call_command("worker", batch=True, stdout=StringIO(), stderr=StringIO())
    assert _status(lost) == "lapsed"
    assert DBTaskResult.objects.get(id=first.id).return_value == [
        "Claims confirmed: 0, lapsed: 1, left for the next run: 0"
    ]
    waiting = DBTaskResult.objects.get(status=TaskResultStatus.READY)
    assert waiting.task_path == recheck_maintainer_claims.module_path
    assert waiting.run_after is not None
    assert (waiting.run_after.hour, waiting.run_after.minute) == (5, 0)


@pytest.mark.django_db
def test_scheduling_enqueues_one_run() -> None:
    out = StringIO()
    call_command("schedule_maintainer_recheck", at="05:00", stdout=out)
    call_command("schedule_maintainer_recheck", at="05:00", stdout=out)
    assert "Scheduled maintainer re-check" in out.getvalue()
    assert "already scheduled" in out.getvalue()
    waiting = DBTaskResult.objects.get(task_path=recheck_maintainer_claims.module_path)
    assert waiting.run_after == next_run_at("05:00", now=timezone.now())


@pytest.mark.django_db
def test_the_command_rechecks_now(github: HTTPServer) -> None:
    kept = _claim("kept")
    grant(github, repo="example/kept", token="gho_kept", admin=True)
    out = StringIO()
    call_command("recheck_maintainers", stdout=out)
    assert out.getvalue().strip() == "Claims confirmed: 1, lapsed: 0, left for the next run: 0"
    assert _status(kept) == "verified"
