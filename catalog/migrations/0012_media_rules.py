"""The image fields' help text states the new rule: a long side at most 16,383 times the short."""

import uploads.images
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0011_search_places_table"),
    ]

    operations = [
        migrations.AlterField(
            model_name="conversation",
            name="image",
            field=uploads.images.UploadedImageField(
                blank=True,
                height_field="image_height",
                help_text="JPEG, PNG, WebP or AVIF, named for its format; at most 10 MB and 40 megapixels, and at most 16,383 times as long as it is wide. It is turned upright, and location, camera and other metadata are removed.",
                upload_to="conversations/",
                width_field="image_width",
            ),
        ),
        migrations.AlterField(
            model_name="person",
            name="portrait",
            field=uploads.images.UploadedImageField(
                blank=True,
                height_field="portrait_height",
                help_text="JPEG, PNG, WebP or AVIF, named for its format; at most 10 MB and 40 megapixels, and at most 16,383 times as long as it is wide. It is turned upright, and location, camera and other metadata are removed.",
                upload_to="people/",
                width_field="portrait_width",
            ),
        ),
        migrations.AlterField(
            model_name="publication",
            name="cover_image",
            field=uploads.images.UploadedImageField(
                blank=True,
                height_field="cover_height",
                help_text="JPEG, PNG, WebP or AVIF, named for its format; at most 10 MB and 40 megapixels, and at most 16,383 times as long as it is wide. It is turned upright, and location, camera and other metadata are removed.",
                upload_to="covers/%Y/",
                width_field="cover_width",
            ),
        ),
    ]
