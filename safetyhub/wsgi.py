import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safetyhub.settings")
application = get_wsgi_application()

# What is loaded by now (Django, the apps, their modules) lives as long as the process. Frozen,
# the garbage collector no longer walks it in each full collection, which would otherwise stop a
# request now and then for tens of milliseconds (seen in bench/search.py's p95).
gc.freeze()
