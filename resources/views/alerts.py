"""E-mail alerts: sign up from any list or search, confirm, unsubscribe."""

from django import forms
from django.core import signing
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from resources import alerts
from resources.feeds import BadFeedQuery, watched
from resources.models import AlertKind, AlertPeriod
from resources.views.exports import filters_of


class AlertForm(forms.Form):
    email = forms.EmailField(label="Your e-mail address")
    period = forms.ChoiceField(
        label="How often",
        choices=AlertPeriod.choices,
        initial=AlertPeriod.WEEKLY,
        widget=forms.RadioSelect,
    )


def _watched_list(request):
    """The list the sign-up is for, from its query string: (kind, query, Watched)."""
    kind = request.GET.get("kind", "")
    if kind not in AlertKind.values:
        raise BadFeedQuery("Choose a list to follow: studies, recommendations, search or topic.")
    params = [(key, value) for key, value in filters_of(request.GET) if key != "kind"]
    query = urlencode(params)
    if len(query) > 1000:
        raise BadFeedQuery("This list's filters are too long to save.")
    return kind, query, watched(kind, params)


@never_cache
def alert_signup(request):
    try:
        kind, query, found = _watched_list(request)
    except BadFeedQuery as error:
        return HttpResponseBadRequest(str(error), content_type="text/plain; charset=utf-8")
    form = AlertForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        refused = alerts.signup_refused(request.META.get("REMOTE_ADDR", ""), email)
        if refused:
            form.add_error(None, refused)
        else:
            alerts.send_confirmation(email, kind, query, form.cleaned_data["period"], found.title)
            return render(request, "alerts/check_inbox.html", {"found": found, "email": email})
    status = 429 if form.non_field_errors() else 200
    return render(request, "alerts/signup.html", {"form": form, "found": found}, status=status)


@never_cache
def alert_confirm(request, token):
    try:
        subscription = alerts.confirm(token)
    except signing.SignatureExpired:
        return render(request, "alerts/link_problem.html", {"expired": True}, status=400)
    except signing.BadSignature:
        return render(request, "alerts/link_problem.html", {}, status=400)
    try:
        found = watched(subscription.kind, subscription.query_dict)
    except (BadFeedQuery, Http404):
        found = None
    context = {
        "subscription": subscription,
        "found": found,
        "unsubscribe_token": alerts.unsubscribe_token(subscription),
    }
    return render(request, "alerts/confirmed.html", context)


@never_cache
@csrf_exempt  # the signed token is the authority; mail clients post one-click unsubscribes
def alert_unsubscribe(request, token):
    """Stop one alert, from its section of a digest or its confirmation page."""
    try:
        signing.Signer(salt=alerts.UNSUBSCRIBE_SALT).unsign_object(token)
    except signing.BadSignature:
        return render(request, "alerts/link_problem.html", {}, status=400)
    if request.method == "POST":
        alerts.unsubscribe(token)
        return render(request, "alerts/unsubscribed.html")
    action = reverse("resources:alert-unsubscribe", args=[token])
    return render(request, "alerts/unsubscribe.html", {"action": action})


@never_cache
@csrf_exempt  # as above: `List-Unsubscribe` points here, and one digest covers every alert
def alert_unsubscribe_all(request, token):
    """Stop every alert of an address, from a digest's foot or its `List-Unsubscribe`."""
    try:
        signing.Signer(salt=alerts.UNSUBSCRIBE_ALL_SALT).unsign_object(token)
    except signing.BadSignature:
        return render(request, "alerts/link_problem.html", {}, status=400)
    if request.method == "POST":
        alerts.unsubscribe_all(token)
        return render(request, "alerts/unsubscribed.html", {"everything": True})
    action = reverse("resources:alert-unsubscribe-all", args=[token])
    return render(request, "alerts/unsubscribe.html", {"action": action, "everything": True})
