import factory
from factory.django import DjangoModelFactory

from accounts.models import User
from agencies.models import Agency, OrgUnit
from agencies.services import membership_add

PASSWORD = "Richtig-Langes-Passwort-1"


class AgencyFactory(DjangoModelFactory):
    class Meta:
        model = Agency

    name = factory.Sequence(lambda n: f"Testbehörde {n}")
    short_name = factory.Sequence(lambda n: f"TB {n}")
    kind = Agency.Kind.CITY_OFFICE
    municipality = "Hannover"


class OrgUnitFactory(DjangoModelFactory):
    class Meta:
        model = OrgUnit

    agency = factory.SubFactory(AgencyFactory)
    code = factory.Sequence(lambda n: f"OE 50.{n}")
    name = "Testeinheit"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"person{n}")
    first_name = factory.Faker("first_name", locale="de_DE")
    last_name = factory.Faker("last_name", locale="de_DE")
    email = factory.LazyAttribute(lambda u: f"{u.username}@test.invalid")
    language = "de"

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or PASSWORD)
        if create:
            self.save(update_fields=["password"])


def member(role: str, agency: Agency | None = None, **user_fields) -> User:
    """A user holding `role` in `agency` (a new agency if none is given)."""
    user = UserFactory(**user_fields)
    membership_add(user=user, agency=agency or AgencyFactory(), role=role)
    return user
