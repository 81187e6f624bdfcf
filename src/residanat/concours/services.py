"""State changes of competitions: the only way views, the API, commands and tests change them."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from residanat.documents.spreadsheet import ImportResult
from residanat.referential.data import normalise_name, specialty_aliases
from residanat.referential.models import Faculty, HospitalCentre, Specialty

from .models import Competition, PostAllocation
from .posts_letter import PostsLetter, Problem, SpecialtyLine, parse_posts_letter, read_letter

# residanat-2026-casablanca, public-health-internat-2026-rabat
_SLUG = re.compile(r"(?P<kind>[a-z][a-z_-]*?)-(?P<year>\d{4})-(?P<city>[a-z0-9][a-z0-9-]*)")
# Posts may be replaced until candidates can register for them.
POSTS_EDITABLE_STATES = (Competition.State.DRAFT, Competition.State.POSTS_VALIDATED)
# How close an unknown spelling must be to one name of its group to be read as that name.
TYPO_CUTOFF = 0.9


@dataclass
class MatchedLine:
    source: SpecialtyLine
    specialty: Specialty | None


@dataclass
class PostsImport(ImportResult):
    """What `do_import_posts_letter` read, matched, and wrote (or would write: `dry_run`)."""

    competition_slug: str
    dry_run: bool
    letter: PostsLetter
    matches: dict[int, MatchedLine] = field(default_factory=dict)  # by line number
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    competition_created: bool = False
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(
        ("created", "updated", "deleted", "unchanged"), 0))

    def as_dict(self) -> dict:
        letter = self.letter
        groups = []
        for table in letter.groups:
            specialties = []
            for line in table.specialties:
                specialty = self.matches.get(line.line)
                specialty = specialty.specialty if specialty else None
                specialties.append({
                    "line": line.line,
                    "name": specialty.name_fr if specialty else line.name,
                    "as_written": line.name,
                    "code": specialty.code if specialty else None,
                    "contract": line.contract,
                    "foreign_volunteer": line.foreign_volunteer,
                })
            groups.append({
                "name": table.name,
                "group": table.group.value if table.group else None,
                "track": table.track.value if table.track else None,
                "line": table.line,
                "subtotal_line": table.subtotal_line,
                "contract": table.contract,
                "foreign_volunteer": table.foreign_volunteer,
                "all": table.all,
                "specialties": specialties,
            })
        return {
            "competition": self.competition_slug,
            "dry_run": self.dry_run,
            "written": self.written,
            "competition_created": self.competition_created,
            "year": letter.year,
            "session_date": letter.session_date.isoformat() if letter.session_date else None,
            "centre": letter.centre,
            "summary": letter.summary.as_dict(),
            "totals": {"contract": letter.contract, "foreign_volunteer": letter.foreign_volunteer, "all": letter.all},
            "groups": groups,
            "allocations": self.counts,
            "warnings": [p.as_dict() for p in self.warnings],
            "errors": [p.as_dict() for p in self.errors],
        }

    def as_text(self) -> str:
        letter = self.letter
        out = [f"Posts of {self.competition_slug}"
               + (f", session of {letter.session_date:%d/%m/%Y}" if letter.session_date else "")
               + (f", centre {letter.centre}" if letter.centre else ""),
               f"{'':<52}{'contract':>9}{'foreign':>9}{'total':>7}"]
        for table in letter.groups:
            out.append(f"{table.name} ({table.track or '?'})")
            for line in table.specialties:
                match = self.matches.get(line.line)
                name = match.specialty.name_fr if match and match.specialty else f"? {line.name}"
                volunteer = line.foreign_volunteer or ""
                out.append(f"  {name[:48]:<50}{line.contract:>9}{volunteer:>9}{line.contract + line.foreign_volunteer:>7}")
            out.append(f"  {'Sous Total':<50}{table.contract:>9}{table.foreign_volunteer:>9}{table.all:>7}")
        out.append(f"{'TOTAL':<52}{letter.contract:>9}{letter.foreign_volunteer:>9}{letter.all:>7}")
        for title, problems in (("Warnings", self.warnings), ("Errors", self.errors)):
            if problems:
                out.append(f"{title} ({len(problems)}):")
                out.extend(f"  {p}" for p in problems)
        if self.errors:
            out.append("Nothing written.")
        else:
            c = self.counts
            verb = "Dry run, nothing written; would be" if self.dry_run else "Allocations"
            created = ""
            if self.competition_created:
                created = " (competition would be created)" if self.dry_run else " (competition created)"
            out.append(f"{verb}: {c['created']} created, {c['updated']} updated, {c['deleted']} deleted, "
                       f"{c['unchanged']} unchanged{created}.")
        return "\n".join(out)


def do_import_posts_letter(path_or_text: Path | str, competition_slug: str, dry_run: bool = False) -> PostsImport:
    """Read the ministry's letter of posts (a file, or its text), check every figure and match every
    specialty to the referential; if anything is wrong, write nothing and return the errors.
    Otherwise replace the competition's allocations in one transaction (the same letter gives the
    same rows). A competition that does not exist is created from a `<kind>-<year>-<city>` slug.
    The dry run takes the same path and rolls back, so its counts are exact."""
    text, read_problems = _read(path_or_text)
    letter = parse_posts_letter(text)
    result = PostsImport(competition_slug, dry_run, letter)
    result.errors.extend(letter.errors)
    result.warnings.extend(read_problems + letter.warnings)
    _match_specialties(result)
    with transaction.atomic():
        competition = _competition(result)
        if result.ok:
            _replace_allocations(competition, result)
        if dry_run or not result.ok:
            transaction.set_rollback(True)
    result.errors.sort(key=_by_line)
    result.warnings.sort(key=_by_line)
    return result


def _by_line(problem: Problem):
    return (problem.line or 0, problem.message)


def _read(path_or_text: Path | str) -> tuple[str, list[Problem]]:
    if isinstance(path_or_text, Path) or ("\n" not in path_or_text and Path(path_or_text).is_file()):
        return read_letter(path_or_text)
    return path_or_text, []


def _match_specialties(result: PostsImport):
    """Each line's specialty within its group, so that a name listed in two groups (Analyses
    Biologiques Médicales: biological for medicine, pharmaceutical for pharmacy) stays apart."""
    specialties = list(Specialty.objects.all())
    if not specialties:
        result.errors.append(Problem(None, "the referential has no specialties: run `residanat load_referential`"))
        return
    by_name = {(s.group, normalise_name(s.name_fr)): s for s in specialties}
    by_code = {(s.group, s.code): s for s in specialties}
    groups_of = {}
    for s in specialties:
        groups_of.setdefault(normalise_name(s.name_fr), set()).add(s.get_group_display())
    aliases = specialty_aliases()
    for table in result.letter.groups:
        if table.group is None:
            continue
        names_of_group = {key: s for (group, key), s in by_name.items() if group == table.group}
        seen: dict[int, int] = {}
        for line in table.specialties:
            key = normalise_name(line.name)
            specialty = names_of_group.get(key)
            if specialty is None and (table.group, aliases.get(key)) in by_code:
                specialty = by_code[(table.group, aliases[key])]
                result.warnings.append(Problem(line.line, f"'{line.name}' read as '{specialty.name_fr}' "
                                                          f"({specialty.code})"))
            if specialty is None and (close := difflib.get_close_matches(key, names_of_group, 1, TYPO_CUTOFF)):
                specialty = names_of_group[close[0]]
                result.warnings.append(Problem(line.line, f"'{line.name}' read as '{specialty.name_fr}' "
                                                          f"({specialty.code}), a close spelling"))
            if specialty is None:
                result.errors.append(Problem(line.line, _unknown(line.name, key, table.name, groups_of, aliases,
                                                                 by_code, names_of_group)))
            elif specialty.pk in seen:
                result.errors.append(Problem(line.line, f"'{line.name}' is listed twice in '{table.name}' "
                                                        f"(first on line {seen[specialty.pk]})"))
            else:
                seen[specialty.pk] = line.line
            result.matches[line.line] = MatchedLine(line, specialty)


def _unknown(name, key, group_name, groups_of, aliases, by_code, names_of_group) -> str:
    other_groups = set(groups_of.get(key, ()))
    if key in aliases:
        other_groups |= {str(s.get_group_display()) for (g, code), s in by_code.items() if code == aliases[key]}
    if other_groups:
        return f"'{name}' is a specialty of the {', '.join(sorted(map(str, other_groups)))}, not of '{group_name}'"
    close = difflib.get_close_matches(key, names_of_group, 1, 0.6)
    hint = f" (closest in the group: '{names_of_group[close[0]].name_fr}')" if close else ""
    return f"unknown specialty '{name}'{hint}"


def _competition(result: PostsImport) -> Competition | None:
    """The competition, locked for the import, or a new one made from its slug; None on error."""
    slug, letter = result.competition_slug, result.letter
    competition = Competition.objects.select_for_update().filter(slug=slug).first()
    if competition is None:
        competition = _new_competition(result)
        if competition is None:
            return None
    if letter.year and competition.year != letter.year:
        result.errors.append(Problem(None, f"the letter is for {letter.year}, the competition {slug} for "
                                           f"{competition.year}"))
    if letter.competition_kind and competition.kind != letter.competition_kind:
        result.errors.append(Problem(None, f"the letter's tables are for the {letter.competition_kind}, "
                                           f"the competition {slug} is for the {competition.kind}"))
    if competition.state not in POSTS_EDITABLE_STATES:
        result.errors.append(Problem(None, f"the competition {slug} is {competition.get_state_display()}: its "
                                           "posts can no longer be replaced"))
    if letter.centre and normalise_name(letter.centre) != normalise_name(competition.faculty.city_fr):
        result.warnings.append(Problem(None, f"the tables are for the centre '{letter.centre}', the competition's "
                                             f"faculty is in {competition.faculty.city_fr}"))
    return competition


def _new_competition(result: PostsImport) -> Competition | None:
    slug = result.competition_slug
    m = _SLUG.fullmatch(slug)
    kind = m and m["kind"].replace("-", "_")
    if not m or kind not in Competition.Kind.values:
        result.errors.append(Problem(None, f"no competition {slug}, and the slug is not <kind>-<year>-<city> "
                                           f"with a kind among {', '.join(Competition.Kind.values)}"))
        return None
    city = m["city"].replace("-", " ")
    faculties = [f for f in Faculty.objects.all() if normalise_name(f.city_fr) == city]
    # The letter's groups say which faculty: dental specialties at the FMD, the others at the FMP.
    dental = bool(result.letter.groups) and all(g.group == Specialty.Group.DENTAL for g in result.letter.groups)
    wanted = Faculty.Kind.FMD if dental else Faculty.Kind.FMP
    faculty = next((f for f in faculties if f.kind == wanted), None)
    if faculty is None:
        result.errors.append(Problem(None, f"no competition {slug}, and no {wanted} in a city named '{m['city']}'"))
        return None
    centre = None
    if kind != Competition.Kind.PUBLIC_HEALTH_INTERNAT:  # public-health interns serve outside the CHUs
        centres = list(HospitalCentre.objects.filter(faculties=faculty))
        centre = centres[0] if len(centres) == 1 else None
    competition = Competition(kind=kind, year=int(m["year"]), slug=slug, faculty=faculty, hospital_centre=centre,
                              session_date=result.letter.session_date)
    competition._change_reason = "import-posts"
    competition.save()
    result.competition_created = True
    return competition


def _replace_allocations(competition: Competition, result: PostsImport):
    """Make the competition's allocations those of the letter, touching only the rows that change."""
    wanted = {}
    for table in result.letter.groups:
        base = {"group": table.group.value, "track": table.track.value}
        for line in table.specialties:
            specialty = result.matches[line.line].specialty
            for seat_type, seats in ((PostAllocation.SeatType.CONTRACT, line.contract),
                                     (PostAllocation.SeatType.FOREIGN_VOLUNTEER, line.foreign_volunteer)):
                if seats:
                    wanted[(seat_type, table.group.value, specialty.pk)] = {
                        **base, "seats": seats, "source_line": line.line}
        if table.foreign_volunteer_pool:
            wanted[(PostAllocation.SeatType.FOREIGN_VOLUNTEER, table.group.value, None)] = {
                **base, "seats": table.foreign_volunteer_pool, "source_line": table.subtotal_line}
    existing = {(a.seat_type, a.group, a.specialty_id): a for a in competition.allocations.all()}
    stale = [a.pk for key, a in existing.items() if key not in wanted]
    PostAllocation.objects.filter(pk__in=stale).delete()
    result.counts["deleted"] = len(stale)
    for key, values in wanted.items():
        allocation = existing.get(key)
        if allocation is None:
            seat_type, _, specialty_id = key
            PostAllocation.objects.create(competition=competition, seat_type=seat_type,
                                          specialty_id=specialty_id, **values)
            result.counts["created"] += 1
        elif any(getattr(allocation, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(allocation, name, value)
            allocation.save()
            result.counts["updated"] += 1
        else:
            result.counts["unchanged"] += 1


# --- posts: an uploaded file (the ministry's letter or the template), with who imported it ---------

def can_change_posts(user, competition: Competition) -> bool:
    """Whether `user` may change this competition's posts: whoever may change the competition, i.e.
    the ministry or the dean's office of its faculty (decision 0008). The ministry's letter of posts
    (seed 000) is addressed to the dean; the CHU's director receives it for information and sees the
    posts, does not set them (D93 art. 9–10: the seats are set by joint order)."""
    from .scope import can_change_competition

    return can_change_competition(user, competition)


def _check_can_change_posts(competition: Competition, by) -> None:
    from django.core.exceptions import PermissionDenied

    if not can_change_posts(by, competition):
        raise PermissionDenied


def _posts_not_editable(competition: Competition) -> str:
    from django.utils.translation import gettext as _

    return _("Le concours est à l'état « %(state)s » : sa répartition des postes ne se modifie plus "
             "(seulement à l'état brouillon ou postes validés).") % {"state": competition.get_state_display()}


def _record_posts_change(competition: Competition, by, reason: str) -> None:
    """PostAllocation keeps no history of its own: the change is a line of the competition's
    history, with who made it and what changed. `competition` is the row locked by the caller."""
    competition._history_user = by
    competition._change_reason = reason
    competition.save()


def _check_posts_table(context, result) -> None:
    from .posts_template import POSTS_TABLE, TableProblem

    _check_can_change_posts(context["competition"], context["by"])
    if context["competition"].state not in POSTS_EDITABLE_STATES:
        result.errors.append(TableProblem(None, "", _posts_not_editable(context["competition"])))
        return
    POSTS_TABLE.before(context, result)


def _replace_posts(rows, context, result) -> None:
    from django.utils.translation import gettext as _

    from .posts_template import TableProblem

    locked = Competition.objects.select_for_update().get(pk=context["competition"].pk)
    if locked.state not in POSTS_EDITABLE_STATES:  # moved since the check above
        result.errors.insert(0, TableProblem(None, "", _posts_not_editable(locked)))
        return
    wanted = result.wanted()
    existing = {(a.seat_type, a.group, a.specialty_id): a for a in locked.allocations.all()}
    stale = [a.pk for key, a in existing.items() if key not in wanted]
    PostAllocation.objects.filter(pk__in=stale).delete()
    result.counts["deleted"] = len(stale)
    for (seat_type, group, specialty_id), seats in wanted.items():
        allocation = existing.get((seat_type, group, specialty_id))
        if allocation is None:
            PostAllocation.objects.create(competition=locked, seat_type=seat_type, group=group,
                                          track=_group_track(group), specialty_id=specialty_id, seats=seats)
            result.counts["created"] += 1
        elif allocation.seats != seats or allocation.track != _group_track(group):
            # The figure no longer is the letter's: its line no longer says where it comes from.
            allocation.seats, allocation.track, allocation.source_line = seats, _group_track(group), None
            allocation.save()
            result.counts["updated"] += 1
        else:
            result.counts["unchanged"] += 1
    if not result.dry_run and any(result.counts[k] for k in ("created", "updated", "deleted")):
        _record_posts_change(locked, context["by"], _(
            "Répartition des postes importée d'un tableau : %(created)s créées, %(updated)s modifiées, "
            "%(deleted)s supprimées, %(unchanged)s inchangées.") % result.counts)


def do_import_posts_table(competition: Competition, file, by, dry_run: bool = True):
    """Replace the competition's posts with those of a filled template (xlsx or CSV, see
    `posts_template.POSTS_TABLE`). Every row is checked first and each problem names its row and
    column; with one problem nothing is written. The dry run takes the same path and rolls back, so
    its counts are exact. Returns a `PostsTableImport` (the shape of `PostsImport.as_dict()`)."""
    from dataclasses import replace

    from residanat.documents.imports import run_import

    from .posts_template import POSTS_TABLE

    declaration = replace(POSTS_TABLE, before=_check_posts_table, write=_replace_posts)
    data = file if isinstance(file, bytes) else file.read()
    return run_import(declaration, getattr(file, "name", ""), data,
                      context={"competition": competition, "slug": competition.slug, "by": by}, commit=not dry_run)


def _group_track(group: str) -> str:
    from .posts_template import group_track

    return group_track(group)


def _decode_letter(data: bytes) -> tuple[str, list[Problem]]:
    try:
        text, problems = data.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
        problems = [Problem(None, "the file is not UTF-8: read as Windows-1252")]
    # do_import_posts_letter reads a one-line argument naming an existing file as a path: an upload is text.
    return (text if "\n" in text else text + "\n"), problems


def do_import_posts_file(competition: Competition, name: str, data: bytes, by, dry_run: bool = True):
    """An uploaded file of posts: the ministry's tab-separated letter (`do_import_posts_letter`) or the
    template (`do_import_posts_table`), told apart by `posts_template.file_kind`. Returns the
    `PostsImport` or the `PostsTableImport`; a written import is a line of the competition's history
    with who made it. Raises ValueError for a file that is neither."""
    from django.utils.translation import gettext as _

    from .posts_template import file_kind

    _check_can_change_posts(competition, by)
    kind = file_kind(name, data)
    if kind == "table":
        result = do_import_posts_table(competition, data, by, dry_run=dry_run)
        result.file_name = name
        return result
    if kind != "letter":
        raise ValueError(_("Déposez la lettre du ministère (.txt) ou le modèle rempli (.xlsx ou .csv)."))
    text, problems = _decode_letter(data)
    with transaction.atomic():
        locked = Competition.objects.select_for_update().get(pk=competition.pk)
        result = do_import_posts_letter(text, locked.slug, dry_run=dry_run)
        result.warnings[:0] = problems
        if result.written and any(result.counts[k] for k in ("created", "updated", "deleted")):
            locked.refresh_from_db()
            _record_posts_change(locked, by, _(
                "Répartition des postes importée de la lettre « %(name)s » : %(created)s créées, %(updated)s "
                "modifiées, %(deleted)s supprimées, %(unchanged)s inchangées.") % {"name": name, **result.counts})
    result.file_name = name
    return result


# --- posts: one allocation set by hand on the posts page --------------------------------------------

def do_save_post_allocation(competition: Competition, by, *, group: str, specialty: Specialty | None,
                            seat_type: str, seats, adding: bool = False) -> PostAllocation | None:
    """Set the seats of one seat type for one specialty of a group (or for the group's pool, when
    `specialty` is None); 0 deletes the allocation. `adding` refuses a row that already has posts
    of that type (the add form must not overwrite silently). Raises ValidationError (by field:
    `seats`, `seat_type`, `specialty`, or none) and writes nothing on any problem. Returns the
    allocation, or None when there is none left."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    from .posts_template import parse_seats, seat_open

    _check_can_change_posts(competition, by)
    errors = {}
    if seat_type not in PostAllocation.SeatType.values:
        errors["seat_type"] = _("Type de postes inconnu.")
    if group not in Specialty.Group.values:
        errors["specialty"] = _("Groupe de spécialités inconnu.")
    elif specialty is not None and specialty.group != group:
        errors["specialty"] = _("%(name)s n'est pas du groupe %(group)s.") % {"name": specialty.name_fr, "group": group}
    number, problem = parse_seats(seats)
    if problem:
        errors["seats"] = problem[:1].upper() + problem[1:] + "."
    elif adding and not number:
        errors["seats"] = _("Indiquez un nombre de postes supérieur à 0.")
    elif number and "seat_type" not in errors and not seat_open(seat_type, specialty):
        # D93 art. 27 bis: four specialties only, never a group's pool.
        errors["seats"] = _("D93 art. 27 bis : les postes pour les candidats d'une administration publique ne "
                            "s'ouvrent qu'en médecine sociale (santé publique), légale, du travail et du sport.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = Competition.objects.select_for_update().get(pk=competition.pk)
        if locked.state not in POSTS_EDITABLE_STATES:
            raise ValidationError(_posts_not_editable(locked))
        lookup = {"competition": locked, "seat_type": seat_type, "group": group}
        lookup.update({"specialty": specialty} if specialty else {"specialty__isnull": True})
        allocation = PostAllocation.objects.filter(**lookup).first()
        what = specialty.name_fr if specialty else _("contingent du groupe %(group)s") % {"group": group}
        label = PostAllocation.SeatType(seat_type).label
        if adding and allocation is not None:
            raise ValidationError(_("%(what)s a déjà %(seats)s postes (%(type)s) : modifiez la ligne.")
                                  % {"what": what, "seats": allocation.seats, "type": label})
        before = allocation.seats if allocation else 0
        if number == before:
            return allocation
        if number == 0:
            allocation.delete()
            allocation = None
        elif allocation is not None:
            # The figure no longer is the letter's: its line no longer says where it comes from.
            allocation.seats, allocation.source_line = number, None
            allocation.save()
        else:
            allocation = PostAllocation.objects.create(
                competition=locked, seat_type=seat_type, group=group, track=_group_track(group),
                specialty=specialty, seats=number)
        _record_posts_change(locked, by, _("Postes %(what)s (%(type)s) : %(before)s → %(after)s.")
                             % {"what": what, "type": label, "before": before, "after": number})
    return allocation
