"""The open data package: a page that says what each file holds, and the files."""

from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404
from django.shortcuts import render

from resources import datapackage

CONTENT_TYPES = {
    ".csv": "text/csv; charset=utf-8",
    ".json": "application/json",
}


def data_page(request):
    context = {
        "package": datapackage.read_descriptor(),
        "dictionary": datapackage.data_dictionary(),
        "descriptor_name": datapackage.DESCRIPTOR,
        "json_name": datapackage.JSON_FILE,
        "license": settings.DATA_PACKAGE_LICENSE,
    }
    return render(request, "resources/data.html", context)


def data_file(request, name):
    """One file of the last build; only the package's own file names are served."""
    if name not in datapackage.file_names():
        raise Http404("No such file in the data package.")
    path = Path(settings.DATA_PACKAGE_ROOT) / name
    try:
        file = open(path, "rb")  # noqa: SIM115 (FileResponse closes it)
    except FileNotFoundError:
        raise Http404("The data package has not been built yet.") from None
    response = FileResponse(file, content_type=CONTENT_TYPES[path.suffix])
    response["Access-Control-Allow-Origin"] = "*"  # open data, for scripts and notebooks
    return response
