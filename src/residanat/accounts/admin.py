from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from simple_history.admin import SimpleHistoryAdmin

from . import enrolment
from .models import ApiToken, EnrolmentCode, RoleAssignment, User


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    autocomplete_fields = ["faculty", "hospital_centre", "service"]


@admin.register(User)
class UserAdmin(SimpleHistoryAdmin, BaseUserAdmin):
    inlines = [RoleAssignmentInline]
    fieldsets = BaseUserAdmin.fieldsets + (("residanat", {"fields": ("language",)}),)
    actions = ["issue_enrolment_codes"]

    @admin.action(description=gettext_lazy("Donner un code d'enrôlement (première application d'authentification)"))
    def issue_enrolment_codes(self, request, queryset):
        # The codes are shown on this answer only: they are stored hashed (accounts/enrolment.py).
        if not enrolment.may_issue_enrolment_codes(request.user):
            raise PermissionDenied
        issued, refused = [], []
        for user in queryset.order_by("username"):
            try:
                raw, code = enrolment.do_issue_enrolment_code(user, by=request.user)
            except PermissionDenied as refusal:
                refused.append({"user": user, "reason": str(refusal) or _("Refusé.")})
            except enrolment.EnrolmentRefused as refusal:
                refused.append({"user": user, "reason": " ".join(refusal.messages)})
            else:
                issued.append({"user": user, "code": raw, "expires_at": code.expires_at})
        response = TemplateResponse(request, "admin/accounts/enrolment_codes.html", {
            **self.admin_site.each_context(request), "title": _("Codes d'enrôlement"),
            "issued": issued, "refused": refused, "opts": self.model._meta,
        })
        response["Cache-Control"] = "private, no-store"
        return response


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "expires_at", "revoked_at"]
    readonly_fields = ["prefix", "key_hash", "last_used_at"]


@admin.register(EnrolmentCode)
class EnrolmentCodeAdmin(admin.ModelAdmin):
    # Read-only: a code is given by the action on users (or `residanat enrolment_code`), never typed here.
    list_display = ["user", "issued_by", "issued_at", "expires_at", "used_at", "failed_attempts"]
    readonly_fields = list_display

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
