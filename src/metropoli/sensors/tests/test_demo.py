import pytest

from metropoli.sensors import demo
from metropoli.sensors.models import Post, Sensor
from metropoli.territory import demo as territory_demo

pytestmark = pytest.mark.django_db


def test_demo_sensors_load_once_with_a_current_index():
    territory_demo.load()

    demo.load()
    posts = Post.objects.count()
    demo.load()

    assert Sensor.objects.count() == 4
    assert Post.objects.count() == posts == 4 * (demo.HOURS * 3 + 1)
    assert all(s.index_category is not None for s in Sensor.objects.all())
    assert {s.owner.email for s in Sensor.objects.all()} == {demo.DEMO_OWNER}
