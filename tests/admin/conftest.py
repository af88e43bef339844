"""Admin fixtures: editors and reviewers made through the role groups, and form helpers."""

import pytest


@pytest.fixture(autouse=True)
def plain_static_files(settings):
    # The suite runs with DEBUG off; the admin's {% static %} then needs a collectstatic manifest.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def _member(django_user_model, username: str, group: str):
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user(username, f"{username}@example.org", "pw-123456")
    user.is_staff = True
    user.save()
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def editor(django_user_model):
    """Erin, in the Editor group."""
    return _member(django_user_model, "erin", "Editor")


@pytest.fixture
def reviewer(django_user_model):
    """Rita, in the Reviewer group."""
    return _member(django_user_model, "rita", "Reviewer")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def form_payload(response) -> dict:
    """Return what a browser would post back for an admin change form left as it is."""
    context = response.context
    forms = [context["adminform"].form]
    data = {}
    for inline in context.get("inline_admin_formsets", []):
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
        data[management.add_prefix("TOTAL_FORMS")] = len(formset.initial_forms)
        forms.extend(formset.initial_forms)
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            key = form.add_prefix(name)
            if value is None or value is False:
                continue
            if value is True:
                data[key] = "on"
            elif isinstance(value, list | tuple):
                data[key] = [str(v) for v in value]
            else:
                data[key] = str(value)
    return data
