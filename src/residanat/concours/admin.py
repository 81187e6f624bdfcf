from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Candidate,
    CandidateDocument,
    Competition,
    CompetitionTest,
    CompetitionTransition,
    MeritList,
    PostAllocation,
)


class PostAllocationInline(admin.TabularInline):
    model = PostAllocation
    extra = 0
    autocomplete_fields = ["specialty"]


@admin.register(Competition)
class CompetitionAdmin(SimpleHistoryAdmin):
    list_display = ["slug", "kind", "year", "faculty", "hospital_centre", "session_date", "state"]
    list_filter = ["kind", "year", "state"]
    search_fields = ["slug"]
    inlines = [PostAllocationInline]


@admin.register(PostAllocation)
class PostAllocationAdmin(admin.ModelAdmin):
    list_display = ["competition", "seat_type", "group", "track", "specialty", "seats", "source_line"]
    list_filter = ["seat_type", "group", "track", "competition"]
    autocomplete_fields = ["specialty"]


class CandidateDocumentInline(admin.TabularInline):
    model = CandidateDocument
    extra = 0
    fields = ["kind", "original_name", "content_type", "size", "uploaded_at"]
    readonly_fields = fields


@admin.register(Candidate)
class CandidateAdmin(SimpleHistoryAdmin):
    list_display = ["number", "person", "competition", "route", "track", "state", "attempt_number"]
    list_filter = ["state", "route", "track", "competition"]
    search_fields = ["number", "person__last_name", "person__first_name"]
    raw_id_fields = ["person"]
    inlines = [CandidateDocumentInline]


@admin.register(CompetitionTest)
class CompetitionTestAdmin(admin.ModelAdmin):
    list_display = ["competition", "code", "name_fr", "weight", "max_score", "order"]
    list_filter = ["competition"]


@admin.register(CompetitionTransition)
class CompetitionTransitionAdmin(admin.ModelAdmin):
    list_display = ["competition", "from_state", "to_state", "by", "role", "at"]
    list_filter = ["competition"]

    def has_change_permission(self, request, obj=None):
        return False  # the record of who moved a competition is not edited


@admin.register(MeritList)
class MeritListAdmin(admin.ModelAdmin):
    list_display = ["competition", "version", "reason", "created_by", "created_at", "locked_at"]
    list_filter = ["competition"]

    def has_change_permission(self, request, obj=None):
        return False
