"""The 404 and 500 pages."""

import pytest
from django.template.loader import get_template
from django.test import Client


@pytest.mark.django_db
def test_it_renders_404_in_the_site_design(client: Client) -> None:
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert 'class="site-header"' in html


def test_it_renders_500_without_any_context() -> None:
    html = get_template("500.html").render()
    assert "Something went wrong" in html
    assert "css/site.css" in html
