"""Reading people: the scope filter plus what each reader may see of them."""

from django.db.models import BooleanField, ExpressionWrapper, Q

from residanat.common.listing import person_fields, search_filter

from .models import Person


def identity_readers(user):
    """The persons whose identity documents (CIN, passport, and the scans of them a candidate
    uploaded) `user` may read.

    Law 09-08 (art. 3, minimisation): the CIN and the passport number go only to the person
    themself and to whoever may change the person's file: the units that keep it, and, for a
    candidate, the competition's office (who may change the candidacy). Every other reader, a
    head of service, a committee member or a payroll officer for one, gets nothing. This is the
    only place that decides it: the person pages, the API, the candidate page and the candidate's
    uploads all ask here.
    """
    from django.apps import apps

    if user is None or not user.is_authenticated:
        return Person.objects.none()
    candidacies = apps.get_model("concours", "Candidate").objects.visible_to(user, "change")
    return Person.objects.filter(
        Q(pk__in=Person.objects.visible_to(user, "change").values("pk"))
        | Q(pk__in=candidacies.values("person_id"))
        | Q(user_id=user.pk)
    )


def may_read_identity(user, person) -> bool:
    return identity_readers(user).filter(pk=person.pk).exists()


def with_identity_access(persons, user):
    """Annotate `identity_readable`: may `user` read these persons' identity documents?
    (`identity_readers` decides.)"""
    return persons.annotate(
        identity_readable=ExpressionWrapper(
            Q(pk__in=identity_readers(user).values("pk")), output_field=BooleanField()
        )
    )


def visible_people(user):
    return with_identity_access(Person.objects.visible_to(user), user)


def search(people, q: str):
    """Words that must each appear in a name (French or Arabic, without tatweel or diacritics) or
    in a readable CIN/passport.

    `people` comes from `visible_people`, so searching by CIN cannot confirm a CIN the caller
    may not read.
    """
    return search_filter(people, q, *PERSON_SEARCH)


def _identity(word):
    return (Q(national_id__icontains=word, identity_readable=True)
            | Q(passport_number__icontains=word, identity_readable=True))


# (Latin fields, Arabic fields, readable identity numbers): what a Listing of persons searches.
PERSON_SEARCH = (*person_fields(), _identity)
