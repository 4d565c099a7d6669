from django.urls import path

from . import editor_views, views

app_name = "learning"
urlpatterns = [
    path("", views.index, name="index"),
    path("certificacion/", views.request_certification, name="request_certification"),
    path("certificaciones/", views.certifications, name="certifications"),
    path("certificaciones/regla/", views.certification_rule, name="certification_rule"),
    path("examen/<slug:slug>/", views.quiz, name="quiz"),
    # Writing lessons and quizzes (decision 0108); "contenido" is not a lesson's short name.
    path("contenido/", editor_views.content, name="content"),
    path("contenido/nueva/", editor_views.new_lesson, name="new_lesson"),
    path("contenido/<slug:slug>/", editor_views.edit_lesson, name="edit_lesson"),
    path("contenido/<slug:slug>/borrar/", editor_views.delete_lesson, name="delete_lesson"),
    path("contenido/<slug:slug>/examen/", editor_views.edit_quiz, name="edit_quiz"),
    path("contenido/<slug:slug>/examen/borrar/", editor_views.delete_quiz, name="delete_quiz"),
    path(
        "contenido/<slug:slug>/examen/pregunta/",
        editor_views.new_question,
        name="new_question",
    ),
    path(
        "contenido/<slug:slug>/examen/pregunta/<int:question_id>/",
        editor_views.edit_question,
        name="edit_question",
    ),
    path(
        "contenido/<slug:slug>/examen/pregunta/<int:question_id>/quitar/",
        editor_views.delete_question,
        name="delete_question",
    ),
    path(
        "contenido/<slug:slug>/examen/pregunta/<int:question_id>/mover/",
        editor_views.move_question,
        name="move_question",
    ),
    path("<slug:slug>/", views.lesson, name="lesson"),
    path("<slug:slug>/terminar/", views.complete, name="complete"),
]
