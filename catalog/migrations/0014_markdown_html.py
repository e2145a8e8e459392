"""Each Markdown field gets its HTML beside it, made when the item is saved; this renders the
existing rows. Person biographies become plain text, of a limited length."""

import editorial.markup
import django.core.validators
from django.db import migrations, models

from editorial.markup import markdown_html_refresh

RENDERED = {
    "Publication": {"body": "body_html"},
    "Topic": {"body": "body_html"},
    "Committee": {"charter": "charter_html"},
}


def render_existing(apps, schema_editor):
    for model_name, fields in RENDERED.items():
        model = apps.get_model("catalog", model_name)
        markdown_html_refresh(queryset=model.objects.all(), fields=fields)


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0013_protect_deletions'),
    ]

    operations = [
        migrations.AddField(
            model_name='committee',
            name='charter_html',
            field=models.TextField(default='', editable=False),
        ),
        migrations.AddField(
            model_name='publication',
            name='body_html',
            field=models.TextField(default='', editable=False),
        ),
        migrations.AddField(
            model_name='topic',
            name='body_html',
            field=models.TextField(default='', editable=False),
        ),
        migrations.AlterField(
            model_name='committee',
            name='charter',
            field=models.TextField(blank=True, help_text='The charter or longer description. In Markdown, at most 100,000 characters. Images are shown only from this site (or the hosts the site allows); others become links.', validators=[editorial.markup.validate_markdown]),
        ),
        migrations.AlterField(
            model_name='person',
            name='bio',
            field=models.TextField(blank=True, help_text='A short biography, at most 5,000 characters. Plain text, shown as typed: an empty line starts a new paragraph.', validators=[django.core.validators.MaxLengthValidator(5000)]),
        ),
        migrations.AlterField(
            model_name='publication',
            name='body',
            field=models.TextField(blank=True, help_text='The full text. In Markdown, at most 100,000 characters. Images are shown only from this site (or the hosts the site allows); others become links.', validators=[editorial.markup.validate_markdown]),
        ),
        migrations.AlterField(
            model_name='topic',
            name='body',
            field=models.TextField(blank=True, help_text='Longer text for the topic page. In Markdown, at most 100,000 characters. Images are shown only from this site (or the hosts the site allows); others become links.', validators=[editorial.markup.validate_markdown]),
        ),
        migrations.RunPython(render_existing, migrations.RunPython.noop),
    ]
