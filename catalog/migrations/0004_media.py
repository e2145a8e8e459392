# Image uploads that are checked, stripped of metadata and rendered at a few widths (their size
# is stored, so pages need not open files), and PDFs kept in private storage.

import uploads.documents
import uploads.images
from django.db import migrations, models

IMAGE_RULES = (
    "JPEG, PNG, WebP or AVIF, named for its format; at most 10 MB and 40 megapixels. "
    "It is turned upright, and location, camera and other metadata are removed."
)


def size_field():
    return models.PositiveIntegerField(blank=True, editable=False, null=True)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0003_search")]

    operations = [
        migrations.AddField("conversation", "image_height", size_field()),
        migrations.AddField("conversation", "image_width", size_field()),
        migrations.AddField("person", "portrait_height", size_field()),
        migrations.AddField("person", "portrait_width", size_field()),
        migrations.AddField("publication", "cover_height", size_field()),
        migrations.AddField("publication", "cover_width", size_field()),
        migrations.AlterField(
            model_name="conversation",
            name="image",
            field=uploads.images.UploadedImageField(
                blank=True,
                height_field="image_height",
                help_text=IMAGE_RULES,
                upload_to="conversations/",
                width_field="image_width",
            ),
        ),
        migrations.AlterField(
            model_name="conversation",
            name="image_alt",
            field=models.CharField(
                blank=True,
                help_text="What the image shows, for screen readers. Required with an image.",
                max_length=250,
                verbose_name="image description",
            ),
        ),
        migrations.AlterField(
            model_name="person",
            name="portrait",
            field=uploads.images.UploadedImageField(
                blank=True,
                height_field="portrait_height",
                help_text=IMAGE_RULES,
                upload_to="people/",
                width_field="portrait_width",
            ),
        ),
        migrations.AlterField(
            model_name="person",
            name="portrait_alt",
            field=models.CharField(
                blank=True,
                help_text="What the portrait shows, for screen readers. Required with a portrait.",
                max_length=250,
                verbose_name="portrait description",
            ),
        ),
        migrations.AlterField(
            model_name="publication",
            name="cover_image",
            field=uploads.images.UploadedImageField(
                blank=True,
                height_field="cover_height",
                help_text=IMAGE_RULES,
                upload_to="covers/%Y/",
                width_field="cover_width",
            ),
        ),
        migrations.AlterField(
            model_name="publication",
            name="document",
            field=uploads.documents.DocumentField(
                blank=True,
                help_text="The PDF, if we host it.",
                storage=uploads.documents.private_storage,
                upload_to="documents/%Y/",
            ),
        ),
    ]
