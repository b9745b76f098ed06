"""The search page: one query box, and the best published matches of every kind."""

from django import forms

from resources.feeds import alert_url, feed_url
from resources.search import MAX_QUERY_LENGTH, search_all
from resources.views.exports import export_links
from resources.views.listing import render_list


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Words to search for",
        max_length=MAX_QUERY_LENGTH,
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "maxlength": MAX_QUERY_LENGTH}),
        error_messages={
            "max_length": (
                f"Searches are at most {MAX_QUERY_LENGTH} characters; try a few key words."
            )
        },
    )


def search(request):
    form = SearchForm(request.GET)
    results = None
    links = []
    if form.is_valid() and form.cleaned_data["q"]:
        query = form.cleaned_data["q"]
        results = search_all(query)
        studies = next(group for group in results.groups if group.kind.key == "studies")
        links = export_links([("q", query)], studies.count)
    context = {"form": form, "results": results, "export_links": links}
    if results is not None:
        context["feed_url"] = feed_url("resources:search-feed", [("q", form.cleaned_data["q"])])
        context["alert_url"] = alert_url("search", [("q", form.cleaned_data["q"])])
    return render_list(request, "resources/search.html", context)
