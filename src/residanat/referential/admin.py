from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from . import models


class BilingualAdmin(admin.ModelAdmin):
    search_fields = ["name_fr", "name_ar"]


@admin.register(models.Region)
class RegionAdmin(BilingualAdmin):
    list_display = ["code", "name_fr", "name_ar"]


@admin.register(models.Province)
class ProvinceAdmin(BilingualAdmin):
    list_display = ["name_fr", "name_ar", "kind", "region"]
    list_filter = ["region", "kind"]


@admin.register(models.HealthDelegation)
class HealthDelegationAdmin(BilingualAdmin):
    list_display = ["name_fr", "name_ar", "province"]


@admin.register(models.Faculty)
class FacultyAdmin(BilingualAdmin):
    list_display = ["code", "name_fr", "kind", "city_fr"]


@admin.register(models.HospitalCentre)
class HospitalCentreAdmin(BilingualAdmin):
    list_display = ["code", "name_fr", "city_fr"]


@admin.register(models.Establishment)
class EstablishmentAdmin(SimpleHistoryAdmin, BilingualAdmin):
    list_display = ["code", "name_fr", "kind", "province", "hospital_centre"]
    list_filter = ["kind", "province__region"]


@admin.register(models.UnderstaffedListing)
class UnderstaffedListingAdmin(SimpleHistoryAdmin):
    list_display = ["establishment", "valid_from", "valid_to", "order_ref"]
    autocomplete_fields = ["establishment"]


@admin.register(models.HospitalService)
class HospitalServiceAdmin(BilingualAdmin):
    list_display = ["name_fr", "kind", "establishment"]
    list_filter = ["kind"]


@admin.register(models.Specialty)
class SpecialtyAdmin(BilingualAdmin):
    list_display = ["code", "name_fr", "group", "track", "duration_class"]
    list_filter = ["group", "track"]
