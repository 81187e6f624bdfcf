from django.urls import path

from . import views_service, views_timeline

urlpatterns = [
    path("moi/", views_timeline.my_timeline, name="my-timeline"),
    path("personnes/<int:pk>/", views_timeline.person_timeline, name="person-timeline"),
    path("stages/<int:pk>/certificat/", views_timeline.rotation_certificate, name="rotation-certificate"),
    path("statuts/<int:pk>/attestation-titre/", views_timeline.title_attestation, name="title-attestation"),
    path("services/", views_service.service_list, name="services"),
    path("services/<int:pk>/", views_service.service_detail, name="service"),
    path("stages/<int:pk>/validation/", views_service.validate_rotation, name="rotation-validation"),
    path("stages/<int:pk>/correction/", views_service.correct_evaluation, name="rotation-correction"),
]
