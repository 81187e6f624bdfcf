"""The figures of a campaign: posts by region, province, delegation, specialty, purpose and
cohort, the growth on the year before, the reconciliation of the purposes with the total, the
missing specialties and whether the campaign fills them, and the communiqué generated from them.

Everything is counted in seats from the posts in the database; nothing is typed twice."""

from __future__ import annotations

import datetime as dt
import json
import math
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.db.models import Count, Sum
from django.utils.translation import gettext as _

from residanat.referential.models import Region, UnderstaffedListing

from .models import Assignment, Campaign, DeploymentPost, Purpose, Run

UNEXPLAINED = "unexplained"


@dataclass
class Reconciliation:
    announced: int | None  # the communiqué's total
    total: int  # the seats of the posts
    by_purpose: list[tuple[str, str, int]]  # (code, label, seats), the unexplained last
    explained: int  # seats with a purpose
    unexplained: int  # seats without one

    @property
    def difference_with_announced(self) -> int | None:
        return None if self.announced is None else self.announced - self.total

    @property
    def balanced(self) -> bool:
        return self.unexplained == 0 and self.difference_with_announced in (None, 0)

    @property
    def equation(self) -> str:
        """"328 + 227 + 124 = 679 of 695": the purposes added up, against the total."""
        parts = " + ".join(str(seats) for code, _, seats in self.by_purpose if code != UNEXPLAINED)
        return f"{parts} = {self.explained} / {self.total}"


def reconciliation(campaign: Campaign) -> Reconciliation:
    seats = dict(campaign.posts.values_list("purpose").annotate(n=Sum("seats")).order_by())
    rows = [(p.value, str(p.label), seats.get(p.value, 0) or 0) for p in Purpose]
    unexplained = seats.get("", 0) or 0
    rows.append((UNEXPLAINED, _("sans motif indiqué"), unexplained))
    total = sum(s for _, _, s in rows)
    return Reconciliation(announced=campaign.announced_total, total=total, by_purpose=rows,
                          explained=total - unexplained, unexplained=unexplained)


def total_seats(campaign: Campaign | None) -> int:
    if campaign is None:
        return 0
    return campaign.posts.aggregate(n=Sum("seats"))["n"] or 0


def previous(campaign: Campaign) -> Campaign | None:
    return Campaign.objects.filter(year__lt=campaign.year).order_by("-year").first()


def growth(now: int, before: int) -> float | None:
    """The growth in percent on the year before (None without a year before)."""
    return None if not before else 100.0 * (now - before) / before


def by_region(campaign: Campaign) -> list[dict]:
    """Every one of the 12 regions, with none where the campaign gives nothing."""
    now = dict(campaign.posts.values_list("establishment__province__region").annotate(n=Sum("seats")).order_by())
    earlier_campaign = previous(campaign)
    before = {} if earlier_campaign is None else dict(
        earlier_campaign.posts.values_list("establishment__province__region").annotate(n=Sum("seats")).order_by())
    delegations = dict(campaign.posts.values_list("establishment__province__region")
                       .annotate(n=Count("delegation", distinct=True)).order_by())
    return [{"region": r, "seats": now.get(r.pk, 0), "before": before.get(r.pk, 0),
             "growth": growth(now.get(r.pk, 0), before.get(r.pk, 0)), "delegations": delegations.get(r.pk, 0)}
            for r in Region.objects.order_by("code")]


def grouped(campaign: Campaign, *fields) -> list[dict]:
    return list(campaign.posts.values(*fields).annotate(seats=Sum("seats")).order_by("-seats", *fields))


def delegations_served(campaign: Campaign) -> int:
    return campaign.posts.values("delegation").distinct().count()


def by_cohort(campaign: Campaign) -> list[tuple[int, int]]:
    return list(campaign.posts.values_list("cohort").annotate(n=Sum("seats")).order_by("cohort"))


def latest_run(campaign: Campaign) -> Run | None:
    return campaign.runs.filter(kind=Run.Kind.FINAL).first() or campaign.runs.first()


def missing_specialties(campaign: Campaign) -> list[dict]:
    """The provinces where the campaign opens posts for a missing specialty, and whether the
    latest run (the final one, else the last what-if) fills them: seats opened against seats taken."""
    run = latest_run(campaign)
    filled = defaultdict(int)
    if run is not None:
        for province, specialty in (Assignment.objects.filter(run=run, post__purpose=Purpose.MISSING_SPECIALTY)
                                    .values_list("post__establishment__province", "post__specialty")):
            filled[(province, specialty)] += 1
    rows = []
    for row in (campaign.posts.filter(purpose=Purpose.MISSING_SPECIALTY)
                .values("establishment__province", "establishment__province__name_fr",
                        "establishment__province__name_ar", "specialty", "specialty__name_fr", "specialty__name_ar")
                .annotate(seats=Sum("seats")).order_by("establishment__province__name_fr", "specialty__name_fr")):
        taken = filled[(row["establishment__province"], row["specialty"])]
        state = "pending" if run is None else "filled" if taken >= row["seats"] else "partly" if taken else "unfilled"
        rows.append({**row, "taken": taken, "state": state})
    # By name without accents (the database's collation would put "Béni Mellal" after "Boulemane").
    return sorted(rows, key=lambda r: (_plain(r["establishment__province__name_fr"]), _plain(r["specialty__name_fr"])))


def _plain(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def missing_summary(rows: list[dict]) -> dict:
    return {state: sum(1 for r in rows if r["state"] == state) for state in ("filled", "partly", "unfilled", "pending")}


def understaffed_post_ids(campaign: Campaign) -> set[int]:
    """Posts in an establishment on the under-staffed list in force at the taking up of duties
    (or on 1 January of the campaign year): service there can count double (D93 art. 27)."""
    on = campaign.taking_up_date or dt.date(campaign.year, 1, 1)
    listed = UnderstaffedListing.objects.in_force(on).values("establishment_id")
    return set(campaign.posts.filter(establishment__in=listed).values_list("pk", flat=True))


# --- the map -------------------------------------------------------------------------------------

MAP_WIDTH, MAP_HEIGHT, MAP_MARGIN = 440, 520, 12


@lru_cache(maxsize=1)
def _geometry():
    data = json.loads((Path(__file__).with_name("data") / "regions.geojson").read_text(encoding="utf-8"))
    outline = next(f for f in data["features"] if f["properties"]["kind"] == "outline")["geometry"]["coordinates"][0]
    points = {f["properties"]["code"]: f["geometry"]["coordinates"] for f in data["features"]
              if f["properties"]["kind"] == "region"}
    return outline, points


def _projector(outline):
    lons = [p[0] for p in outline]
    lats = [p[1] for p in outline]
    west, east, south, north = min(lons), max(lons), min(lats), max(lats)
    # Equirectangular, with longitudes shrunk by cos(latitude) at the middle of the country.
    kx = math.cos(math.radians((north + south) / 2))
    scale = min((MAP_WIDTH - 2 * MAP_MARGIN) / ((east - west) * kx), (MAP_HEIGHT - 2 * MAP_MARGIN) / (north - south))
    return lambda lon, lat: (round(MAP_MARGIN + (lon - west) * kx * scale, 1), round(MAP_MARGIN + (north - lat) * scale, 1))


def region_map(rows: list[dict]) -> dict:
    """An SVG of proportional circles (area ∝ seats) on the schematic outline, from the shipped
    GeoJSON: no tiles, nothing fetched."""
    outline, points = _geometry()
    project = _projector(outline)
    path = "M" + " L".join(f"{x},{y}" for x, y in (project(*p) for p in outline)) + " Z"
    top = max([r["seats"] for r in rows] + [1])
    circles = []
    for r in rows:
        if r["region"].code not in points:  # a region the shipped geometry does not know: table only
            continue
        x, y = project(*points[r["region"].code])
        circles.append({"x": x, "y": y, "r": round(3 + 19 * math.sqrt(r["seats"] / top), 1), **r})
    # The larger circles first, so that a smaller neighbour stays visible on top.
    circles.sort(key=lambda c: -c["r"])
    return {"width": MAP_WIDTH, "height": MAP_HEIGHT, "outline": path, "circles": circles}


# --- the communiqué ------------------------------------------------------------------------------

def communique_facts(campaign: Campaign) -> dict:
    """The public figures, each counted from the posts."""
    total = total_seats(campaign)
    before = total_seats(previous(campaign))
    regions = by_region(campaign)
    first = max(regions, key=lambda r: r["seats"]) if regions else None
    rec = reconciliation(campaign)
    return {
        "year": campaign.year, "total": total, "before": before, "growth": growth(total, before),
        "cohorts": by_cohort(campaign), "delegations": delegations_served(campaign),
        "first_region": first["region"].name if first and first["seats"] else "",
        "first_region_seats": first["seats"] if first else 0,
        "purposes": [(label, seats, round(100 * seats / total) if total else 0)
                     for code, label, seats in rec.by_purpose if code != UNEXPLAINED],
        "unexplained": rec.unexplained,
        "missing_places": _most_seats(missing_specialties(campaign)),
    }


# The communiqué names the places with the most posts for a missing specialty, as seed 001 does
# ("Al Hoceïma, Boujdour, … and other places"); the full list is in the tables.
COMMUNIQUE_PLACES = 8


def _most_seats(rows: list[dict]) -> tuple[list[str], int]:
    name = "establishment__province__name_ar" if _is_ar() else "establishment__province__name_fr"
    seats: dict[str, int] = {}
    for r in rows:
        seats[r[name]] = seats.get(r[name], 0) + r["seats"]
    ranked = sorted(seats, key=lambda place: (-seats[place], _plain(place)))
    return ranked[:COMMUNIQUE_PLACES], max(0, len(ranked) - COMMUNIQUE_PLACES)


def _is_ar() -> bool:
    from django.utils.translation import get_language

    return (get_language() or "fr").startswith("ar")


def understaffed_seats(campaign: Campaign) -> int:
    ids = understaffed_post_ids(campaign)
    return DeploymentPost.objects.filter(pk__in=ids).aggregate(n=Sum("seats"))["n"] or 0
