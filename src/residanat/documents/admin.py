from django.contrib import admin

from .models import IssuedDocument


@admin.register(IssuedDocument)
class IssuedDocumentAdmin(admin.ModelAdmin):
    list_display = ["number", "kind", "title", "language", "issued_at", "issued_by", "person"]
    readonly_fields = [f.name for f in IssuedDocument._meta.fields]
    search_fields = ["number", "title"]
