from datetime import timedelta

import pytest
from django.db.models import Max
from django.utils import timezone

from metropoli.accounts import demo as accounts_demo
from metropoli.sensors import demo
from metropoli.sensors.models import Post, Sensor
from metropoli.territory import demo as territory_demo

pytestmark = pytest.mark.django_db


def test_demo_sensors_load_once_with_a_current_index():
    territory_demo.load()
    accounts_demo.load()  # the sensors' owner

    demo.load()
    posts = Post.objects.count()
    demo.load()

    assert Sensor.objects.count() == 4
    assert Post.objects.count() == posts == 4 * (demo.HOURS * 3 + 1)
    assert all(s.index_category is not None for s in Sensor.objects.all())
    assert {s.owner.email for s in Sensor.objects.all()} == {demo.DEMO_OWNER}


def test_each_load_tops_the_readings_up_to_now_and_never_beyond_a_day():
    territory_demo.load()
    accounts_demo.load()  # the sensors' owner
    now = timezone.now()
    demo.load(now=now)
    first = Post.objects.count()

    later = now + timedelta(hours=5)  # `make run` started again five hours later
    demo.load(now=later)
    assert Post.objects.count() == first + 4 * 15  # every 20 minutes, per sensor
    latest = Post.objects.values("sensor").annotate(last=Max("received_at"))
    assert all(later - timedelta(minutes=20) < row["last"] <= later for row in latest)

    much_later = later + timedelta(days=3)  # after a long pause: only the last 24 h
    demo.load(now=much_later)
    recent = Post.objects.filter(received_at__gt=much_later - timedelta(hours=demo.HOURS))
    assert recent.count() == 4 * (demo.HOURS * 3)
