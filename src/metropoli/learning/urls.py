from django.urls import path

from . import views

app_name = "learning"
urlpatterns = [
    path("", views.index, name="index"),
    path("certificacion/", views.request_certification, name="request_certification"),
    path("certificaciones/", views.certifications, name="certifications"),
    path("certificaciones/regla/", views.certification_rule, name="certification_rule"),
    path("examen/<slug:slug>/", views.quiz, name="quiz"),
    path("<slug:slug>/", views.lesson, name="lesson"),
    path("<slug:slug>/terminar/", views.complete, name="complete"),
]
