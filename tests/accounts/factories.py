import factory
from django_otp.plugins.otp_totp.models import TOTPDevice

from residanat.accounts.models import RoleAssignment, User

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.ma")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class RoleAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleAssignment

    user = factory.SubFactory(UserFactory)


def user_with_role(role, **scope):
    """A user holding `role` within `scope` (faculty=..., hospital_centre=..., service=...)."""
    return RoleAssignmentFactory(role=role, **scope).user


def totp_device(user):
    return TOTPDevice.objects.create(user=user, name="default", confirmed=True)
