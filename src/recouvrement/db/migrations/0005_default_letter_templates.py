"""Every company holds its default letter templates: they are created with the company now,
no longer by the first read of a letter."""

from django.db import migrations


def seed(apps, schema_editor):
    from recouvrement.services.companies import default_template_rows

    company_model = apps.get_model("recouvrement", "Company")
    template_model = apps.get_model("recouvrement", "LetterTemplate")
    for company_id in company_model.objects.values_list("pk", flat=True):
        present = set(
            template_model.objects.filter(company_id=company_id).values_list("code", flat=True)
        )
        template_model.objects.bulk_create(
            row
            for row in default_template_rows(company_id, template_model)
            if row.code not in present
        )


class Migration(migrations.Migration):
    dependencies = [("recouvrement", "0004_imports_and_promises")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
