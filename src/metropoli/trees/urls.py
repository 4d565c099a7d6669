from django.urls import path
from django.views.generic import TemplateView

app_name = "trees"
urlpatterns = [
    path("", TemplateView.as_view(template_name="trees/home.html"), name="home"),
]
