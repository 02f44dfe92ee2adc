"""robots.txt."""

import pytest


@pytest.mark.django_db
def test_it_allows_everything_and_names_no_missing_sitemap(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert response.content.decode() == "User-agent: *\nAllow: /\n"
