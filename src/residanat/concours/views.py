"""Competition list, detail and state changes."""

from django.http import HttpResponse


def competition_list(request):
    return HttpResponse("todo")


def competition_detail(request, slug):
    return HttpResponse("todo")


def competition_transition(request, slug):
    return HttpResponse("todo")
