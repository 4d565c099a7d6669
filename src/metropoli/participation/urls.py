from django.urls import path
from django.views.generic import TemplateView

app_name = "participation"
urlpatterns = [
    path("", TemplateView.as_view(template_name="participation/home.html"), name="home"),
]
