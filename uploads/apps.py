from django.apps import AppConfig


class UploadsConfig(AppConfig):
    name = "uploads"
    verbose_name = "Images and documents"

    def ready(self):
        from uploads.cleanup import file_cleanup_connect

        file_cleanup_connect()
