"""EMAIL_URL: one environment variable says where mail goes."""

from pathlib import Path

import pytest

from blog.mailurl import (
    CONSOLE_BACKEND,
    EML_BACKEND,
    SMTP_BACKEND,
    EmailUrlError,
    email_settings,
)

VAR = Path("/srv/tk/var/mail")


def test_unset_means_eml_files_under_the_var_folder():
    """With no EMAIL_URL, mail is written as .eml files under var/mail/, never dropped."""
    assert email_settings("", default_dir=VAR) == {
        "EMAIL_BACKEND": EML_BACKEND,
        "EMAIL_FILE_PATH": str(VAR),
    }


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "smtp://ann:s3cret@mail.example:587?tls=1",
            {
                "EMAIL_HOST": "mail.example",
                "EMAIL_PORT": 587,
                "EMAIL_HOST_USER": "ann",
                "EMAIL_HOST_PASSWORD": "s3cret",
                "EMAIL_USE_TLS": True,
                "EMAIL_USE_SSL": False,
            },
        ),
        (
            "smtps://ann%40example.org:p%40ss@mail.example",
            {
                "EMAIL_PORT": 465,
                "EMAIL_HOST_USER": "ann@example.org",
                "EMAIL_HOST_PASSWORD": "p@ss",
                "EMAIL_USE_SSL": True,
                "EMAIL_USE_TLS": False,
            },
        ),
        (
            "smtp://localhost",
            {
                "EMAIL_PORT": 25,
                "EMAIL_HOST_USER": "",
                "EMAIL_USE_TLS": False,
                "EMAIL_TIMEOUT": 10.0,
            },
        ),
        ("smtp://localhost:2525?timeout=3", {"EMAIL_PORT": 2525, "EMAIL_TIMEOUT": 3.0}),
    ],
)
def test_smtp_urls_give_host_port_credentials_and_tls(url, expected):
    """smtp:// and smtps:// URLs set the SMTP backend, with port defaults 25 and 465."""
    found = email_settings(url, default_dir=VAR)
    assert found["EMAIL_BACKEND"] == SMTP_BACKEND
    assert {key: found[key] for key in expected} == expected


def test_console_and_file_urls():
    """console: prints mail; file:///dir writes one .eml per message into dir."""
    assert email_settings("console:", default_dir=VAR) == {"EMAIL_BACKEND": CONSOLE_BACKEND}
    assert email_settings("file:///tmp/tk-mail", default_dir=VAR) == {
        "EMAIL_BACKEND": EML_BACKEND,
        "EMAIL_FILE_PATH": "/tmp/tk-mail",
    }


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("imap://ann:hunter2@mail.example", "unknown scheme 'imap'"),
        ("smtp://", "name the mail server's host"),
        ("file://", "give a folder"),
        ("smtp://mail.example:99999", "EMAIL_URL"),
    ],
)
def test_a_wrong_url_says_what_to_write_without_showing_the_password(url, says):
    """A URL that cannot be used is refused with a message that never echoes the password."""
    with pytest.raises(EmailUrlError) as error:
        email_settings(url, default_dir=VAR)
    assert says in str(error.value)
    assert "hunter2" not in str(error.value)
