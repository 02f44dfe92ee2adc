"""Staff can read stored READMEs in the admin but never write their HTML."""

import pytest
from django.test import Client

from packagegrid.catalog.models import Readme
from packagegrid.conftest import make_package, make_readme, make_user

pytestmark = pytest.mark.django_db


def test_the_admin_shows_readmes_read_only(client: Client) -> None:
    admin = make_user("root", is_superuser=True, staff=True)
    client.force_login(admin)
    package = make_package(title="Django Readable")
    make_readme(package, "# Title")
    assert "Django Readable" in client.get("/admin/catalog/readme/").content.decode()
    url = f"/admin/catalog/readme/{package.pk}/change/"
    page = client.get(url).content.decode()
    assert "&lt;h3&gt;Title&lt;/h3&gt;" in page  # shown as text, not as a field
    assert 'name="html"' not in page
    response = client.post(url, {"html": "<script>alert(1)</script>"})
    assert response.status_code == 403
    assert client.get("/admin/catalog/readme/add/").status_code == 403
    assert Readme.objects.get(package=package).html == "<h3>Title</h3>\n"
