from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from residanat.ratelimits import limit_per_address

from . import kinds, verification
from .forms import VerifyForm
from .http import issued_pdf_response


def _verification_asked(request) -> bool:
    return request.method == "POST" or "number" in request.GET


@limit_per_address("documents.verify", "RESIDANAT_VERIFICATION_RATE", counts=_verification_asked)
def verify(request):
    """Public: a number plus the printed hash or the PDF file; the QR code links here with both in GET.
    Every verification asked counts against the client address's limit (issue 20 item 4)."""
    data = request.POST if request.method == "POST" else (request.GET if "number" in request.GET else None)
    form = VerifyForm(data, request.FILES or None)
    verdict = None
    if data is not None and form.is_valid():
        number, upload = form.cleaned_data["number"], form.cleaned_data.get("file")
        if upload:
            verdict = verification.verify_file(number, upload)
        else:
            verdict = verification.verify_hash(number, form.cleaned_data["hash"])
    context = {
        "form": form,
        "verdict": verdict,
        "kind_label": kinds.label(verdict.document.kind) if verdict and verdict.valid else "",
    }
    return render(request, "documents/verify.html", context)


@login_required
def download(request, pk):
    # Who reads a document depends on its kind (kinds.readable, decision 0021); 404 otherwise, so an
    # id reveals nothing.
    document = kinds.readable(request.user).filter(pk=pk).exclude(file="").first()
    if document is None:
        raise Http404
    return issued_pdf_response(document, stream=True)
