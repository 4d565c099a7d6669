from django.urls import path
from django.views.generic import TemplateView

app_name = "cooperation"
urlpatterns = [
    path("", TemplateView.as_view(template_name="cooperation/home.html"), name="home"),
]
