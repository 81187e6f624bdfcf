from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Competition, PostAllocation


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
