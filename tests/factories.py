"""Factories for the minimum valid registry objects; each test sets only what it cares about."""

from datetime import date

import factory

from mandates.models import Mandate, MandateArea
from missions.models import (
    Appointment,
    Cluster,
    Country,
    Document,
    Mission,
    Organization,
    Person,
    Region,
    Transition,
)


def cluster(slug: str = "field_mission") -> Cluster:
    return Cluster.objects.get(slug=slug)


def region(slug: str = "africa") -> Region:
    return Region.objects.get(slug=slug)


def country(iso3: str) -> Country:
    return Country.objects.get(iso3=iso3)


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Document
        django_get_or_create = ("symbol",)

    symbol = factory.Sequence(lambda n: f"S/RES/{3000 + n} (2013)")
    kind = "resolution"
    body = "security_council"


class MissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mission
        django_get_or_create = ("acronym",)

    acronym = factory.Sequence(lambda n: f"UNTEST{n}")
    name = factory.LazyAttribute(lambda o: f"United Nations Test Mission {o.acronym}")
    cluster = factory.LazyFunction(cluster)
    kind = "country"
    category = "special_political_mission"
    region = factory.LazyFunction(region)
    mandating_body = "security_council"
    start_date = date(2000, 1, 1)


class MandateAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MandateArea
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"area-{n}")
    name = factory.LazyAttribute(lambda o: o.slug.replace("-", " ").capitalize())


class MandateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mandate
        skip_postgeneration_save = True

    mission = factory.SubFactory(MissionFactory)
    start_date = factory.LazyAttribute(lambda o: o.mission.start_date)

    @factory.post_generation
    def mandate_areas(self, create, extracted, **kwargs):
        if create and extracted:
            self.mandate_areas.set(extracted)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Person {n}")


class AppointmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Appointment

    mission = factory.SubFactory(MissionFactory)
    person = factory.SubFactory(PersonFactory)
    title = "Special Representative of the Secretary-General"
    start_date = factory.LazyAttribute(lambda o: o.mission.start_date)


class TransitionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Transition

    predecessor = factory.SubFactory(MissionFactory)
    successor = factory.SubFactory(MissionFactory)
    date = date(2005, 1, 1)
    kind = "spm_to_spm"


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization
        django_get_or_create = ("acronym",)

    acronym = factory.Sequence(lambda n: f"ORG{n}")
    name = factory.LazyAttribute(lambda o: f"Organization {o.acronym}")
