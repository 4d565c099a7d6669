from django.contrib import admin

from .models import Sensor


@admin.register(Sensor)
class SensorAdmin(admin.ModelAdmin):
    list_display = ["sensor_id", "name", "municipality", "owner", "placement", "active"]
    list_filter = ["municipality", "placement", "active"]
    search_fields = ["sensor_id", "name", "owner__email"]
    # The password fingerprint is never shown or edited here; owners renew it on the site.
    exclude = ["password_hash"]
    readonly_fields = [
        "auth_username",
        "created_at",
        "last_post_at",
        "software_version",
        "index_hour",
        "index_category",
        "index_pollutants",
    ]
