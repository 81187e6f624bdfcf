"""Reading people: the scope filter plus what each reader may see of them."""

from django.db.models import BooleanField, ExpressionWrapper, Q

from .models import Person


def with_identity_access(persons, user):
    """Annotate `identity_readable`: may `user` read these persons' identity documents?

    Law 09-08 (art. 3, minimisation): the CIN and the passport number go only to the person
    themself and to whoever may change the person's file (the units that keep it); every other
    reader, a head of service for one, gets null. This is the only place that decides it.
    """
    changeable = Person.objects.visible_to(user, "change").values("pk")
    return persons.annotate(
        identity_readable=ExpressionWrapper(
            Q(pk__in=changeable) | Q(user_id=user.pk), output_field=BooleanField()
        )
    )


def visible_people(user):
    return with_identity_access(Person.objects.visible_to(user), user)


def search(people, q: str):
    """Words that must each appear in a name (French or Arabic) or in a readable CIN/passport.

    `people` comes from `visible_people`, so searching by CIN cannot confirm a CIN the caller
    may not read.
    """
    for word in q.split():
        people = people.filter(
            Q(last_name__icontains=word)
            | Q(first_name__icontains=word)
            | Q(last_name_ar__icontains=word)
            | Q(first_name_ar__icontains=word)
            | Q(national_id__icontains=word, identity_readable=True)
            | Q(passport_number__icontains=word, identity_readable=True)
        )
    return people
