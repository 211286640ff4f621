from django.conf import settings
from django.db import migrations


def owners_to_people(apps, schema_editor):
    """Each user who owned activities becomes a named person of the organisation, linked
    to that login; the history's owners are moved the same way."""
    app_label, model_name = settings.AUTH_USER_MODEL.split(".")
    user_model = apps.get_model(app_label, model_name)
    person_model = apps.get_model("entities", "Person")
    models = [apps.get_model("processing", "ProcessingActivity"),
              apps.get_model("processing", "HistoricalProcessingActivity")]
    pairs = set()
    for model in models:
        pairs.update(model.objects.filter(owner_id__isnull=False)
                     .values_list("organisation_id", "owner_id").distinct())
    users = {u.pk: u for u in user_model.objects.filter(pk__in={user for _, user in pairs})}
    for organisation_id, user_id in sorted(pairs):
        user = users.get(user_id)
        if user is None:
            continue
        login = getattr(user, "username", "") or str(user.pk)
        name = " ".join(x for x in (getattr(user, "first_name", ""), getattr(user, "last_name", ""))
                        if x).strip() or login
        person = person_model.objects.filter(organisation_id=organisation_id, login_id=user_id).first()
        if person is None:
            taken = person_model.objects.filter(organisation_id=organisation_id, name=name).exists()
            person = person_model.objects.create(
                organisation_id=organisation_id, login_id=user_id, email=user.email or "",
                name=f"{name} ({login})" if taken else name)
        for model in models:
            model.objects.filter(organisation_id=organisation_id, owner_id=user_id).update(
                owner_person_id=person.pk)



class Migration(migrations.Migration):

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("processing", "0004_owners_are_people_and_new_fields"),
    ]

    operations = [migrations.RunPython(owners_to_people, migrations.RunPython.noop)]
