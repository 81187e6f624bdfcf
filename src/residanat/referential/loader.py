"""Loads the national referential (data/*.csv) into the database: all files are validated first,
then written in one transaction, idempotently, by natural key. Rows absent from the files are left
alone (other records point to them with PROTECT)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from .data import DATA_DIR
from .models import (
    Establishment,
    Faculty,
    HealthDelegation,
    HospitalCentre,
    HospitalService,
    Province,
    Region,
    Specialty,
    UnderstaffedListing,
)
from .validation import Plan, ReferentialImportError, validate_referential

__all__ = ["LoadReport", "ModelCount", "ReferentialImportError", "load_referential"]

MODELS = (Region, Province, HealthDelegation, Faculty, HospitalCentre, Establishment, HospitalService, Specialty,
          UnderstaffedListing)
CHANGE_REASON = "load_referential"


@dataclass
class ModelCount:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def add(self, status: str):
        setattr(self, status, getattr(self, status) + 1)


@dataclass
class LoadReport:
    dry_run: bool = False
    counts: dict[str, ModelCount] = field(default_factory=lambda: {m.__name__: ModelCount() for m in MODELS})

    @property
    def created(self) -> int:
        return sum(c.created for c in self.counts.values())

    @property
    def updated(self) -> int:
        return sum(c.updated for c in self.counts.values())

    def as_text(self) -> str:
        title = "Referential checked (dry run: nothing written)" if self.dry_run else "Referential loaded"
        lines = [title, f"{'model':<22}{'created':>9}{'updated':>9}{'unchanged':>11}"]
        for name, c in self.counts.items():
            lines.append(f"{name:<22}{c.created:>9}{c.updated:>9}{c.unchanged:>11}")
        return "\n".join(lines)


def load_referential(data_dir: Path | str | None = None, *, dry_run: bool = False) -> LoadReport:
    """Validate every file, then write; raises ReferentialImportError (and writes nothing) on any error."""
    plan = validate_referential(Path(data_dir) if data_dir else DATA_DIR)
    report = LoadReport(dry_run=dry_run)
    with transaction.atomic():
        _write(plan, report)
        if dry_run:
            # The dry run takes the same path as a real load, so its counts are exact, then rolls back.
            transaction.set_rollback(True)
    return report


class _Table:
    """The rows of one model keyed by natural key, to create or update them without a query each."""

    def __init__(self, model, key_fields: tuple[str, ...], report: LoadReport):
        self.model, self.key_fields = model, key_fields
        self.count = report.counts[model.__name__]
        self.rows = {tuple(getattr(o, f) for f in key_fields): o for o in model.objects.all()}

    def upsert(self, key: tuple, values: dict, extra_change=lambda obj: False):
        obj = self.rows.get(key)
        if obj is None:
            obj = self.model(**dict(zip(self.key_fields, key)), **values)
            obj._change_reason = CHANGE_REASON  # read by simple_history
            obj.save()
            self.rows[key] = obj
            self.count.add("created")
            return obj
        changed = [name for name, value in values.items() if getattr(obj, name) != value]
        if changed:
            # Saving only real changes keeps the history free of no-op versions on every reload.
            for name in changed:
                setattr(obj, name, values[name])
            obj._change_reason = CHANGE_REASON
            obj.save(update_fields=changed)
        self.count.add("updated" if changed or extra_change(obj) else "unchanged")
        return obj


def _write(plan: Plan, report: LoadReport):
    regions = _Table(Region, ("code",), report)
    region_of = {code: regions.upsert((code,), values) for code, values in plan.regions.items()}

    provinces = _Table(Province, ("region_id", "name_fr"), report)
    province_of = {
        name: provinces.upsert((region_of[p["region"]].pk, name), {"kind": p["kind"], "name_ar": p["name_ar"]})
        for name, p in plan.provinces.items()
    }

    delegations = _Table(HealthDelegation, ("province_id", "name_fr"), report)
    for (province, name), values in plan.delegations.items():
        delegations.upsert((province_of[province].pk, name), values)

    faculties = _Table(Faculty, ("code",), report)
    faculty_of = {
        code: faculties.upsert((code,), _with_province(f, province_of)) for code, f in plan.faculties.items()
    }

    centres = _Table(HospitalCentre, ("code",), report)
    centre_of = {}
    for code, c in plan.hospital_centres.items():
        wanted = {faculty_of[f].pk for f in c["faculties"]}
        values = _with_province({k: v for k, v in c.items() if k != "faculties"}, province_of)
        centre = centres.upsert(
            (code,), values, extra_change=lambda obj: set(obj.faculties.values_list("pk", flat=True)) != wanted
        )
        centre.faculties.set(wanted)
        centre_of[code] = centre

    establishments = _Table(Establishment, ("code",), report)
    establishment_of = {}
    for code, e in plan.establishments.items():
        values = _with_province(e, province_of)
        centre = values.pop("hospital_centre")
        values["hospital_centre_id"] = centre_of[centre].pk if centre else None
        establishment_of[code] = establishments.upsert((code,), values)

    services = _Table(HospitalService, ("establishment_id", "code"), report)
    for (establishment, code), values in plan.services.items():
        services.upsert((establishment_of[establishment].pk, code), values)

    specialties = _Table(Specialty, ("code", "group"), report)
    for key, values in plan.specialties.items():
        specialties.upsert(key, values)

    listings = _Table(UnderstaffedListing, ("establishment_id", "valid_from"), report)
    for (establishment, valid_from), values in plan.understaffed.items():
        listings.upsert((establishment_of[establishment].pk, valid_from), values)


def _with_province(record: dict, province_of: dict) -> dict:
    values = {k: v for k, v in record.items() if k != "province"}
    values["province_id"] = province_of[record["province"]].pk
    return values
