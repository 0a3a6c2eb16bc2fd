import pytest
from django.urls import reverse

from sas_platform.enums import Role


@pytest.mark.django_db
def test_home_redirects_anonymous_to_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url == "/connexion/?next=/"


@pytest.mark.django_db
def test_home_shows_role_section(client, make_user):
    user = make_user(Role.OSNP)
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert 'data-role="osnp"' in response.content.decode()
    assert "INVALID_TEMPLATE_VARIABLE" not in response.content.decode()
