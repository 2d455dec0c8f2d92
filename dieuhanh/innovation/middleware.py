"""The fence around proposers' accounts: someone from outside government reaches only their own pages.

A proposer (an account with a ``Proposer`` profile, signed in by session or calling the API with a bearer token)
reaches ``/de-xuat/…`` (their pages), ``/api/de-xuat/…`` (their API), the public portal and the sign-in, sign-out,
language and static addresses. Every other address answers exactly like a missing page: the 404 page, or the API's
``not_found`` envelope; the home page sends them to their own. The checks of each action stay in force behind the
fence (``innovation/auth.py``): the fence only makes sure no page of the officials' side even shows.
"""

from __future__ import annotations

from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.utils import translation

from dieuhanh.messages import render

# A proposer's own notifications (the answer to a proposal) are theirs to read: those pages and calls only ever
# reach the person's own notifications (notifications/selectors.py).
OPEN_TO_PROPOSERS = ("/de-xuat/", "/api/de-xuat/", "/api/public/", "/cong-khai/", "/static/", "/i18n/", "/login/", "/logout/",
                     "/favicon.ico", "/notifications/", "/api/notifications")


def _bearer_user(request):
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        return None
    from dieuhanh.accounts.services import user_for_token

    return user_for_token(header[7:].strip())


SESSION_KEY = "dieuhanh.proposer"


def is_proposer(user, session=None) -> bool:
    """Whether ``user`` has a proposer profile; remembered in the session (an account never changes side), so a
    signed-in page costs no extra query after the first."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if "_is_proposer" not in user.__dict__:
        kept = session.get(SESSION_KEY) if session is not None else None
        if isinstance(kept, list) and len(kept) == 2 and kept[0] == user.pk:
            user.__dict__["_is_proposer"] = bool(kept[1])
        else:
            from dieuhanh.innovation.models import Proposer

            user.__dict__["_is_proposer"] = Proposer.objects.filter(user_id=user.pk).exists()
            if session is not None:
                session[SESSION_KEY] = [user.pk, user.__dict__["_is_proposer"]]
    return user.__dict__["_is_proposer"]


class ProposerFence:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user if request.user.is_authenticated else None
        session = request.session if user is not None else None
        if user is None and request.path.startswith("/api/"):
            user = _bearer_user(request)
        request.is_proposer = is_proposer(user, session)
        if request.is_proposer and not request.path.startswith(OPEN_TO_PROPOSERS):
            if request.path == "/":
                return redirect("proposer_home")
            if request.path.startswith("/api/"):
                with translation.override("en"):
                    return JsonResponse({"error": {"code": "not_found", "message": render("not_found"), "details": []}}, status=404)
            raise Http404
        return self.get_response(request)
