"""Every PDF the system issues is recorded: number, date, subject and two hashes.

`content_hash` is printed on the document: SHA-256 of its number, date, kind, language and the
data it states, so anyone can check a paper copy against the register. `file_sha256` is the hash
of the PDF bytes as issued, to check an electronic copy.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from residanat.accounts.scopes import ScopedQuerySet


class IssuedDocumentQuerySet(ScopedQuerySet):
    scope_paths = {
        "faculty": "person__statuses__faculty",
        "hospital_centre": "person__statuses__hospital_centre",
        "service": "person__statuses__service",
        "self": "person__user",
    }


class IssuedDocument(models.Model):
    number = models.CharField(_("numéro"), max_length=32, unique=True, null=True, editable=False)
    kind = models.CharField(_("type de document"), max_length=60)
    # The document's title (عنوان الوثيقة), not the name of a batch or a period (التسمية).
    title = models.CharField(pgettext_lazy("document", "intitulé"), max_length=300)
    language = models.CharField(_("langue"), max_length=5, choices=settings.LANGUAGES)
    issued_at = models.DateTimeField(_("émis le"), auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="issued_documents", verbose_name=_("émis par"),
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, null=True, blank=True,
        related_name="documents", verbose_name=_("concerne"),
    )
    content_hash = models.CharField(_("empreinte du contenu"), max_length=64, blank=True)
    file_sha256 = models.CharField(_("empreinte du fichier"), max_length=64, blank=True)
    file = models.FileField(_("fichier"), upload_to="documents/%Y/%m/", blank=True)
    size = models.PositiveIntegerField(_("taille (octets)"), default=0)

    objects = IssuedDocumentQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = _("document émis")
        verbose_name_plural = _("documents émis")

    def __str__(self):
        return f"{self.number} — {self.title}"
