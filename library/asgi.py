import os

from django.core.asgi import get_asgi_application

from library.garbage_collection import tune_for_serving

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "library.settings")

application = get_asgi_application()
tune_for_serving()
