"""Staff deleting a package at /packages/<slug>/delete/ (with a confirmation page)."""

import pytest
from django.contrib.auth.models import User
from django.test import Client

from packagegrid.catalog.models import EditRecord, Package
from packagegrid.conftest import make_package

pytestmark = pytest.mark.django_db


@pytest.fixture
def package() -> Package:
    return make_package(title="Widgets", slug="widgets")


def test_it_shows_staff_a_delete_link_on_the_package_page(
    client: Client, staff: User, alice: User, package: Package
) -> None:
    assert "/packages/widgets/delete/" not in client.get("/packages/p/widgets/").content.decode()
    client.force_login(alice)
    assert "/packages/widgets/delete/" not in client.get("/packages/p/widgets/").content.decode()
    client.force_login(staff)
    assert 'href="/packages/widgets/delete/"' in client.get("/packages/p/widgets/").content.decode()


def test_it_asks_for_confirmation_first(client: Client, staff: User, package: Package) -> None:
    client.force_login(staff)
    response = client.get("/packages/widgets/delete/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Delete Widgets?</h1>" in html
    assert '<form class="form-stack" method="post" action="/packages/widgets/delete/">' in html
    assert Package.objects.filter(pk=package.pk).exists()


def test_it_lets_staff_delete_a_package(client: Client, staff: User, package: Package) -> None:
    client.force_login(staff)
    response = client.post("/packages/widgets/delete/", follow=True)
    assert response.redirect_chain == [("/packages/", 302)]
    assert "Deleted Widgets." in response.content.decode()
    assert not Package.objects.filter(pk=package.pk).exists()
    assert EditRecord.objects.get(object_id=package.pk).action == "delete"


def test_it_is_403_for_people_who_are_not_staff(
    client: Client, alice: User, package: Package
) -> None:
    client.force_login(alice)
    assert client.get("/packages/widgets/delete/").status_code == 403
    assert client.post("/packages/widgets/delete/").status_code == 403
    assert Package.objects.filter(pk=package.pk).exists()


def test_it_asks_anonymous_people_to_log_in(client: Client, package: Package) -> None:
    response = client.get("/packages/widgets/delete/")
    assert response["Location"] == "/accounts/login/?next=/packages/widgets/delete/"
    client.post("/packages/widgets/delete/")
    assert Package.objects.filter(pk=package.pk).exists()


def test_it_requires_a_csrf_token_to_delete(staff: User, package: Package) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)
    assert client.post("/packages/widgets/delete/").status_code == 403
    assert Package.objects.filter(pk=package.pk).exists()


def test_it_is_404_for_an_unknown_package(client: Client, staff: User) -> None:
    client.force_login(staff)
    assert client.post("/packages/nope/delete/").status_code == 404
