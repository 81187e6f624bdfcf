"""Externs (D93 art. 2, 5): the faculties' enrolment imports and the batches of assignment to
services, always read through `visible_to` (a batch outside the caller's scope answers 404).
Identity numbers never leave through this router."""

import datetime as dt

from django.db.models import Count
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from residanat.careers.externs import visible_imports
from residanat.careers.models import ExternAssignmentBatch

from .common import UnitRef

router = Router(tags=["careers"])


class EnrolmentImportOut(Schema):
    id: int
    faculty: UnitRef
    academic_year: int
    start_date: dt.date
    end_date: dt.date
    file_name: str
    rows: int
    statuses_created: int
    imported_at: dt.datetime


class ExternBatchOut(Schema):
    id: int
    faculty: UnitRef
    hospital_centre: UnitRef
    label: str
    start_date: dt.date
    end_date: dt.date
    committee_opinion: str
    state: ExternAssignmentBatch.State
    proposed_at: dt.datetime
    assigned_at: dt.datetime | None
    externs: int

    @staticmethod
    def resolve_externs(obj):
        return obj.n


class ExternServiceOut(UnitRef):
    establishment: UnitRef


class ExternAssignmentOut(Schema):
    status_id: int
    person_id: int
    last_name: str
    first_name: str
    last_name_ar: str
    first_name_ar: str
    track: str
    study_year: int | None
    is_repeat: bool
    service: ExternServiceOut

    @staticmethod
    def resolve_person_id(obj):
        return obj.status.person_id

    @staticmethod
    def resolve_last_name(obj):
        return obj.status.person.last_name

    @staticmethod
    def resolve_first_name(obj):
        return obj.status.person.first_name

    @staticmethod
    def resolve_last_name_ar(obj):
        return obj.status.person.last_name_ar

    @staticmethod
    def resolve_first_name_ar(obj):
        return obj.status.person.first_name_ar

    @staticmethod
    def resolve_track(obj):
        return obj.status.track

    @staticmethod
    def resolve_study_year(obj):
        return obj.status.study_year

    @staticmethod
    def resolve_is_repeat(obj):
        return obj.status.is_repeat


class ExternBatchDetailOut(ExternBatchOut):
    rows: list[ExternAssignmentOut]

    @staticmethod
    def resolve_rows(obj):
        return obj.rows.select_related("status__person", "service__establishment").order_by(
            "status__person__last_name", "status__person__first_name")


def _batches(request):
    return (ExternAssignmentBatch.objects.visible_to(request.auth).select_related("faculty", "hospital_centre")
            .annotate(n=Count("rows")))


@router.get("/enrolments", response=list[EnrolmentImportOut], url_name="careers-enrolments")
def list_enrolments(request):
    """The faculties' enrolment imports in the caller's scope, newest first (D93 art. 2)."""
    return visible_imports(request.auth).select_related("faculty")


@router.get("/extern-batches", response=list[ExternBatchOut], url_name="careers-extern-batches")
def list_extern_batches(request):
    """The proposals of assignment of externs to services, and their state (D93 art. 5)."""
    return _batches(request)


@router.get("/extern-batches/{batch_id}", response=ExternBatchDetailOut, url_name="careers-extern-batch")
def get_extern_batch(request, batch_id: int):
    """One proposal with its rows: each extern and the service proposed (404 outside the scope)."""
    return get_object_or_404(_batches(request), pk=batch_id)
