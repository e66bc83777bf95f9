"""One length limit per submit field, from settings: the API, its schema and the widget agree."""

import pytest

pytestmark = pytest.mark.django_db

URL = "/api/v1/posts/hello-world/comments/"


def send(api, name: str):
    body = {"author_name": name, "author_email": "ann@example.org", "body": "Hello."}
    return api.post(URL, body, format="json")


def test_the_form_token_answer_tells_the_widget_each_limit(api, settings):
    """The widget reads its input limits from the form-token answer, i.e. from settings."""
    settings.COMMENTS = {"MAX_NAME_LENGTH": 120}

    limits = api.get("/api/v1/form-token/").json()["limits"]

    assert limits == {"author_name": 120, "author_email": 254, "author_url": 500, "body": 10_000}


@pytest.mark.parametrize(("limit", "accepted", "refused"), [(80, 80, 81), (150, 150, 151)])
def test_the_api_accepts_names_up_to_the_setting_and_no_longer(
    api, post, settings, limit, accepted, refused
):
    """A name at the limit is accepted; one character more is a 400 naming the limit."""
    settings.COMMENTS = {"MAX_NAME_LENGTH": limit}

    assert send(api, "n" * accepted).status_code == 201
    answer = send(api, "m" * refused)
    assert answer.status_code == 400
    assert answer.json() == {
        "author_name": [f"Ensure this field has no more than {limit} characters."]
    }


def test_the_schema_states_the_settings_limit_for_names(api):
    """The OpenAPI schema gives the same maximum as the setting, not a second number."""
    schema = api.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    fields = schema["components"]["schemas"]["CommentInput"]["properties"]

    assert fields["author_name"]["maxLength"] == 80
    assert fields["author_url"]["maxLength"] == 500
