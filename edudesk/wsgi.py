import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edudesk.settings")

from edudesk.security.chunked import ChunkedBodyLimit

# A chunked body is read up to the request cap and handed to Django with its length.
application = ChunkedBodyLimit(get_wsgi_application())
