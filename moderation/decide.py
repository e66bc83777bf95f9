"""The confirm page behind an alert's decision links: GET shows, only POST decides."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from comments.conf import comments_setting
from moderation.decisions import DecisionLinkError, decision_apply, decision_read


@never_cache
@require_http_methods(["GET", "POST"])
def decide(request: HttpRequest, token: str) -> HttpResponse:
    """Show the decision a link makes; apply it on POST (works without logging in)."""
    context: dict[str, object] = {"site_name": comments_setting("SITE_NAME")}
    try:
        if request.method == "POST":
            context |= {"decision": decision_apply(token), "done": True, "title": "Decided"}
        else:
            decision = decision_read(token)
            context |= {"decision": decision, "title": f"{decision.action.capitalize()}?"}
    except DecisionLinkError as error:
        context |= {"error": str(error), "title": "This link cannot be used"}
        response = render(request, "moderation/decide.html", context, status=410)
    else:
        response = render(request, "moderation/decide.html", context)
    response["Referrer-Policy"] = "no-referrer"  # the token is in the address
    response["X-Robots-Tag"] = "noindex"
    return response
