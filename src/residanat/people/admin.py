from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Person, TraineeStatus


class TraineeStatusInline(admin.TabularInline):
    model = TraineeStatus
    extra = 0


@admin.register(Person)
class PersonAdmin(SimpleHistoryAdmin):
    list_display = ["last_name", "first_name", "national_id", "nationality"]
    search_fields = ["last_name", "first_name", "national_id", "passport_number"]
    inlines = [TraineeStatusInline]


@admin.register(TraineeStatus)
class TraineeStatusAdmin(SimpleHistoryAdmin):
    list_display = ["person", "kind", "track", "faculty", "hospital_centre", "start_date", "end_date"]
    list_filter = ["kind", "track"]
