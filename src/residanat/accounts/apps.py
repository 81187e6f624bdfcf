from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "residanat.accounts"
    verbose_name = _("Comptes et rôles")

    def ready(self):
        from residanat.cache import create_cache_tables

        # The counters of the limits per address live in the cache table: `migrate` makes it, so
        # `make demo` and a fresh production database need no `createcachetable` step.
        post_migrate.connect(create_cache_tables, sender=self, dispatch_uid="residanat.create_cache_tables")
