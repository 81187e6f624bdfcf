"""Writes the demo campaigns' posts (src/residanat/deployment/data/campagne-2025.csv and -2026.csv).

DEMO data built to match the public figures of seed 001 (695 posts, 241 for the 2023 cohort and
454 for 2024, 97 for Tanger-Tétouan-Al Hoceïma, 78 delegations, 328 / 227 / 124 posts by purpose
and 16 without one), the places the communiqué names for the missing specialties, and 223 posts
the year before (+212 %). The split below those totals is invented: replace it with the Ministry's
table. Run again only to change the demo: `python tools/make_deployment_demo.py`.
"""

import csv
import random
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REF = ROOT / "src/residanat/referential/data"
OUT = ROOT / "src/residanat/deployment/data"

REGION_SEATS = {"01": 97, "02": 72, "03": 70, "04": 48, "05": 52, "06": 66, "07": 68, "08": 62, "09": 50,
                "10": 40, "11": 36, "12": 34}
NOT_SERVED = {"Délégation préfectorale de la santé de Casablanca-Anfa", "Délégation préfectorale de la santé d'Al Fida-Mers Sultan",
              "Délégation préfectorale de la santé d'Aïn Chock", "Délégation préfectorale de la santé de Hay Hassani"}
# Seed 001: anaesthesia-reanimation mainly in these places; general surgery and gynaecology in those.
ANAESTHESIA_PLACES = ["Al Hoceïma", "Boujdour", "Larache", "Sidi Ifni", "Tinghir", "Guelmim", "Errachidia", "Driouch"]
SURGERY_PLACES = ["Boulemane", "Es-Semara", "Figuig", "Tarfaya", "Jerada", "Settat"]
SPECIALTIES = ["anaesthesia-reanimation", "general-surgery", "obstetrics-gynaecology", "paediatrics", "cardiology",
               "internal-medicine", "radiology", "traumatology-orthopaedics", "psychiatry", "ophthalmology",
               "oto-rhino-laryngology", "nephrology", "pneumo-phthisiology", "urology", "emergency-disaster-medicine",
               "medical-biological-analyses:biological"]
PURPOSES = {"missing_specialty": 328, "reinforcement": 227, "transfer_compensation": 124, "": 16}


def read(name):
    with (REF / name).open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def main():
    rng = random.Random(2026)
    region_of = {p["name_fr"]: p["region_code"] for p in read("regions_provinces.csv")}
    hospital = {}
    order = {"regional_hospital": 0, "provincial_hospital": 1, "local_hospital": 2, "specialised_hospital": 3}
    for e in read("establishments.csv"):
        if e["kind"] in order:
            hospital.setdefault(e["province"], []).append(e)
    delegations = [d for d in read("delegations.csv") if d["name_fr"] not in NOT_SERVED]
    by_region = defaultdict(list)
    for d in delegations:
        by_region[region_of[d["province"]]].append(d)

    def establishment_of(d):
        if d["province"] == "Casablanca":
            suffix = d["name_fr"].split(" de la santé ")[1].removeprefix("de ").removeprefix("d'")
            return next(e["code"] for e in hospital["Casablanca"] if e["name_fr"].endswith(suffix))
        return sorted(hospital[d["province"]], key=lambda e: (order[e["kind"]], e["code"]))[0]["code"]

    # Seats, one by one: every served delegation at least one, then the region's remainder.
    seats = []
    for code, total in REGION_SEATS.items():
        ds = by_region[code]
        chosen = ds + [rng.choice(ds) for _ in range(total - len(ds))]
        seats += [{"d": d} for d in chosen]
    assert len(seats) == 695

    # Purposes: the missing specialties first in the places of seed 001.
    rng.shuffle(seats)
    left = Counter(PURPOSES)
    for seat in seats:
        province = seat["d"]["province"]
        if province in ANAESTHESIA_PLACES and left["missing_specialty"]:
            seat.update(p="missing_specialty", s="anaesthesia-reanimation")
        elif province in SURGERY_PLACES and left["missing_specialty"]:
            seat.update(p="missing_specialty", s=rng.choice(["general-surgery", "obstetrics-gynaecology"]))
        else:
            continue
        left["missing_specialty"] -= 1
    pool = [p for p, n in left.items() for _ in range(n)]
    rng.shuffle(pool)
    for seat in (s for s in seats if "p" not in s):
        seat["p"] = pool.pop()
        seat["s"] = rng.choice(SPECIALTIES[:3] if seat["p"] == "missing_specialty" else SPECIALTIES)
    cohorts = [2023] * 241 + [2024] * 454
    rng.shuffle(cohorts)
    lines = Counter()
    for seat, cohort in zip(seats, cohorts):
        d = seat["d"]
        priority = 1 if seat["p"] == "missing_specialty" else 2
        lines[(d["name_fr"], establishment_of(d), seat["s"], cohort, seat["p"], priority)] += 1
    write(OUT / "campagne-2026.csv", lines)

    # The year before: 223 posts, fewer places.
    before = Counter()
    for _ in range(223):
        d = rng.choice(delegations[::2])
        before[(d["name_fr"], establishment_of(d), rng.choice(SPECIALTIES), rng.choice([2021, 2022]),
                rng.choice(["missing_specialty", "reinforcement", "transfer_compensation"]), 2)] += 1
    write(OUT / "campagne-2025.csv", before)


def write(path, lines):
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["delegation", "etablissement", "specialite", "promotion", "motif", "priorite", "postes"])
        for key in sorted(lines):
            w.writerow([*key, lines[key]])


if __name__ == "__main__":
    main()
