from django.urls import path
from django.views.generic import TemplateView

app_name = "markets"
urlpatterns = [
    path("", TemplateView.as_view(template_name="markets/home.html"), name="home"),
]
