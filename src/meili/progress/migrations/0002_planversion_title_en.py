"""The plan's English title beside its Chinese one; versions loaded before take it from their stored file."""

import yaml
from django.db import migrations, models


def titles_from_files(apps, schema_editor):
    PlanVersion = apps.get_model("progress", "PlanVersion")
    for version in PlanVersion.objects.all():
        data = yaml.safe_load(version.text)
        version.title_en = data.get("title_en", "") if isinstance(data, dict) else ""
        version.save(update_fields=["title_en"])


class Migration(migrations.Migration):
    dependencies = [
        ("progress", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="planversion",
            name="title_en",
            field=models.CharField(blank=True, max_length=200, verbose_name="规划英文名称"),
        ),
        migrations.RunPython(titles_from_files, migrations.RunPython.noop),
    ]
