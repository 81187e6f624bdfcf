"""The careers hub: where each role finds its careers pages, with the counts that call for action."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from residanat.accounts.roles import Role
from residanat.accounts.scopes import roles_of

from .models import Leave, Rotation, RotationPeriod
from .rotations import awaiting_evaluation
from .scope import visible_services


@login_required
def index(request):
    user, today = request.user, timezone.localdate()
    roles = roles_of(user)
    staff = user.is_superuser or bool(roles - {Role.TRAINEE})
    heads = user.is_superuser or Role.HEAD_OF_SERVICE in roles
    to_validate = (Rotation.objects.visible_to(user).filter(awaiting_evaluation(today), start_date__lte=today).count()
                   if heads else 0)
    context = {
        "staff": staff,
        "person": getattr(user, "person", None),
        "heads": heads,
        "to_validate": to_validate,
        "services": 0 if heads else visible_services(user).count(),
        "periods": RotationPeriod.objects.visible_to(user).count(),
        "open_periods": RotationPeriod.objects.visible_to(user).filter(state=RotationPeriod.State.WISHES_OPEN).count(),
        "leaves_waiting": Leave.objects.visible_to(user).filter(needs_second_approval=True,
                                                                second_approval_by__isnull=True).count(),
        "externs_office": user.is_superuser or bool(roles & {Role.MINISTRY_ADMIN, Role.DEAN_OFFICE,
                                                             Role.HOSPITAL_DIRECTOR_OFFICE}),
    }
    return render(request, "careers/index.html", context)
