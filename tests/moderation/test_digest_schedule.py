"""The moderators' daily digest runs at a fixed hour of the server's day, not every 24 h."""

import pytest
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from blog.celery import app as celery_app
from moderation.alerts import digest_schedule


def test_beat_sends_the_digest_daily_at_eight_server_time_by_default(settings):
    """The beat entry is a crontab at 08:00 in TIME_ZONE that runs the digest task."""
    entry = celery_app.conf.beat_schedule["moderator-digest"]
    assert entry["task"] == "moderation.alerts_digest"
    schedule = entry["schedule"]
    assert isinstance(schedule, crontab)
    assert (schedule.hour, schedule.minute) == ({8}, {0})
    assert str(celery_app.timezone) == settings.TIME_ZONE


def test_the_digest_hour_is_a_setting(settings):
    """MODERATION["DIGEST_HOUR"] moves the digest to that hour, on the hour."""
    settings.MODERATION = {**settings.MODERATION, "DIGEST_HOUR": 18}
    schedule = digest_schedule()
    assert (schedule.hour, schedule.minute) == ({18}, {0})


@pytest.mark.parametrize("hour", [24, -1, "8", 7.5, None])
def test_a_digest_hour_that_is_not_an_hour_says_what_is_wrong(settings, hour):
    """Anything but a whole hour 0-23 stops with a message naming the setting."""
    settings.MODERATION = {**settings.MODERATION, "DIGEST_HOUR": hour}
    with pytest.raises(ImproperlyConfigured, match=r'MODERATION\["DIGEST_HOUR"\] must be'):
        digest_schedule()
