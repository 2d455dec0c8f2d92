"""Pages of initiatives, the movement and awards (signed in), and their public pages under ``/cong-khai/`` (no
login: recognised initiatives; posted award lists with a comment form). Views read through selectors and write
through actions; domain errors propagate to ``DomainErrorMiddleware``."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dieuhanh import evidence
from dieuhanh.access.policy import can
from dieuhanh.emulation import excel, selectors, services
from dieuhanh.emulation.forms import (
    AuthorFormSet, CommentForm, CouncilForm, DecideForm, InitiativeForm, OpinionForm, ProposalForm, RoundForm,
)
from dieuhanh.emulation.models import AwardForm, Field, InitiativeStatus, ProposalStatus, RoundStatus, Scope
from dieuhanh.errors import Invalid, NotFound, detail
from dieuhanh.pages import attachment, errors_return_to, form_problem, int_param, posted_int, run_for_page
from dieuhanh.units.selectors import unit_get


PAGE_SIZE = 50


# --- initiatives ------------------------------------------------------------------------------------------------

@login_required
def initiative_register(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status") if request.GET.get("status") in InitiativeStatus.values else None
    field = request.GET.get("field") if request.GET.get("field") in Field.values else None
    year = int_param(request, "year")
    items = selectors.initiatives(request.user, status=status, field=field, year=year)
    counts = selectors.counts(request.user)
    if request.GET.get("format") == "xlsx":
        return attachment(excel.initiatives_xlsx(items), f"so-sang-kien-{timezone.localdate():%Y%m%d}.xlsx")
    return render(request, "emulation/initiatives.html", {
        "page": Paginator(items, PAGE_SIZE).get_page(request.GET.get("page")), "counts": counts, "statuses": InitiativeStatus.choices, "fields": Field.choices,
        "status_counts": [(v, label, counts.by_status.get(v, 0)) for v, label in InitiativeStatus.choices],
        "field_counts": [(label, counts.by_field.get(v, 0)) for v, label in Field.choices],
        "status": status, "field": field, "year": year, "can_apply": bool(selectors.units_with(request.user, "initiative_apply")),
        "query": request.GET.urlencode()})


@login_required
@errors_return_to(lambda request, **_: request.get_full_path())
def initiative_apply(request: HttpRequest) -> HttpResponse:
    units = selectors.units_with(request.user, "initiative_apply")
    if not units:
        raise NotFound("no unit to apply to")
    form = InitiativeForm(request.POST or None, units=units)
    authors = AuthorFormSet(request.POST or None, prefix="authors")
    if request.method == "POST":
        if not (form.is_valid() and authors.is_valid()):
            raise form_problem(form if not form.is_valid() else authors.forms[0])
        rows = [a for a in authors.cleaned_data if a and (a.get("name") or a.get("share") is not None)]
        data = form.cleaned_data
        item = run_for_page(request, services.initiative_apply, _("Application received; the receipt states when the answer is due."),
                            actor=request.user, unit=unit_get(data["unit"]), title=data["title"], investor=data["investor"],
                            field=data["field"], first_applied_on=data["first_applied_on"], substance=data["substance"],
                            confidential=data["confidential"], conditions=data["conditions"], benefit_author=data["benefit_author"],
                            benefit_users=data["benefit_users"], authors=rows)
        return redirect("initiative_detail", initiative_id=item.pk)
    return render(request, "emulation/apply.html", {"form": form, "authors": authors})


@login_required
def initiative_detail(request: HttpRequest, initiative_id: int) -> HttpResponse:
    item = selectors.initiative_get(request.user, initiative_id)
    open_ = item.status in (InitiativeStatus.RECEIVED, InitiativeStatus.UNDER_REVIEW)
    review = open_ and can(request.user, "initiative_review", item.unit)
    may_decide = item.status == InitiativeStatus.UNDER_REVIEW and any(
        can(request.user, "initiative_decide", services.scope_unit(item, s)) for s in Scope.values)
    return render(request, "emulation/initiative.html", {
        "item": item, "authors": item.authors.all(), "opinions": item.opinions.all(),
        "council_form": CouncilForm(initial={"version": item.version, "members": item.council}) if review else None,
        "opinion_form": OpinionForm() if review and item.status == InitiativeStatus.UNDER_REVIEW else None,
        "decide_form": DecideForm(initial={"version": item.version}) if may_decide else None,
        "proposals": item.proposals.filter(selectors.visible_proposals_q(request.user)).select_related("form", "round")})


def _back_to_initiative(request, initiative_id, **_):
    return reverse("initiative_detail", args=[initiative_id])


@login_required
@require_POST
@errors_return_to(_back_to_initiative)
def initiative_council(request: HttpRequest, initiative_id: int) -> HttpResponse:
    item = selectors.initiative_get(request.user, initiative_id)
    form = CouncilForm(request.POST)
    if not form.is_valid():
        raise form_problem(form)
    run_for_page(request, services.initiative_council_name, _("The council is named."), actor=request.user, initiative=item,
                 expected_version=form.cleaned_data["version"], members=form.cleaned_data["members"])
    return redirect("initiative_detail", initiative_id=item.pk)


@login_required
@require_POST
@errors_return_to(_back_to_initiative)
def initiative_opinion(request: HttpRequest, initiative_id: int) -> HttpResponse:
    item = selectors.initiative_get(request.user, initiative_id)
    form = OpinionForm(request.POST)
    if not form.is_valid():
        raise form_problem(form)
    run_for_page(request, services.initiative_opinion_add, _("Opinion recorded."), actor=request.user, initiative=item,
                 **form.cleaned_data)
    return redirect("initiative_detail", initiative_id=item.pk)


@login_required
@require_POST
@errors_return_to(_back_to_initiative)
def initiative_decide(request: HttpRequest, initiative_id: int) -> HttpResponse:
    item = selectors.initiative_get(request.user, initiative_id)
    form = DecideForm(request.POST)
    if not form.is_valid():
        raise form_problem(form)
    d = form.cleaned_data
    run_for_page(request, services.initiative_decide, _("Decision recorded."), actor=request.user, initiative=item,
                 expected_version=d["version"], recognise=d["outcome"] == "recognise", scope=d["scope"], reasons=d["reasons"],
                 minutes=d["minutes"], decision_no=d["decision_no"])
    return redirect("initiative_detail", initiative_id=item.pk)


# --- movement ---------------------------------------------------------------------------------------------------

@login_required
@errors_return_to(lambda request, **_: reverse("movements"))
def movements(request: HttpRequest) -> HttpResponse:
    units = selectors.units_with(request.user, "movement_register")
    if request.method == "POST":
        movement = selectors.movements().filter(pk=posted_int(request, "movement") or 0).first()
        if movement is None:
            raise NotFound("movement not found")
        codes = {u.code for u in units}
        if request.POST.get("unit") not in codes:
            raise NotFound("unit not found")
        run_for_page(request, services.movement_register, _("Registered, with the unit's commitments."), actor=request.user,
                     movement=movement, unit=unit_get(request.POST["unit"]), commitments=request.POST.get("commitments", ""))
        return redirect("movements")
    return render(request, "emulation/movements.html", {"movements": selectors.movements(), "units": units})


# --- award rounds and proposals ---------------------------------------------------------------------------------

@login_required
@errors_return_to(lambda request, **_: reverse("award_rounds"))
def award_rounds(request: HttpRequest) -> HttpResponse:
    units = selectors.units_with(request.user, "award_round_manage")
    form = RoundForm(request.POST or None, units=units, initial={"year": timezone.localdate().year})
    if request.method == "POST":
        if not units:
            raise NotFound("no unit")
        if not form.is_valid():
            raise form_problem(form)
        d = form.cleaned_data
        rnd = run_for_page(request, services.award_round_open, _("Round opened."), actor=request.user, unit=unit_get(d["unit"]),
                           title=d["title"], year=d["year"])
        return redirect("award_round", round_id=rnd.pk)
    return render(request, "emulation/rounds.html", {"rounds": selectors.rounds(), "form": form if units else None})


@login_required
def award_round(request: HttpRequest, round_id: int) -> HttpResponse:
    rnd = selectors.round_get(round_id)
    proposals = list(selectors.proposals(request.user, rnd))
    manage = can(request.user, "award_round_manage", rnd.unit)
    decide = can(request.user, "award_decide", rnd.unit) and rnd.status == RoundStatus.CONSULTATION
    moderate = can(request.user, "award_comment_moderate", rnd.unit)
    return render(request, "emulation/round.html", {
        "round": rnd, "proposals": proposals, "can_post": manage and rnd.status == RoundStatus.OPEN and proposals,
        "can_propose": rnd.status == RoundStatus.OPEN and bool(selectors.units_with(request.user, "award_propose")),
        "decide": decide, "pending": [p for p in proposals if p.status == ProposalStatus.PROPOSED],
        "comments": list(rnd.comments.select_related("proposal")) if moderate or can(request.user, "award_view", rnd.unit) else [],
        "moderate": moderate and rnd.status == RoundStatus.CONSULTATION, "today": timezone.localdate()})


def _back_to_round(request, round_id, **_):
    return reverse("award_round", args=[round_id])


@login_required
@errors_return_to(lambda request, round_id, **_: reverse("award_propose", args=[round_id]))
def award_propose(request: HttpRequest, round_id: int) -> HttpResponse:
    rnd = selectors.round_get(round_id)
    units = [u for u in selectors.units_with(request.user, "award_propose") if u.path.startswith(rnd.unit.path)]
    if not units or rnd.status != RoundStatus.OPEN:
        raise NotFound("nothing to propose")
    recognised = list(selectors.initiatives(request.user, status=InitiativeStatus.RECOGNISED))
    form = ProposalForm(request.POST or None, units=units, award_forms=selectors.forms(), initiatives=recognised, language=get_language(),
                        initial={"period": rnd.year})
    if request.method == "POST":
        if not form.is_valid():
            raise form_problem(form)
        d = form.cleaned_data
        chosen = [i for i in recognised if str(i.pk) in d["initiatives"]]
        proposal = run_for_page(
            request, services.award_propose, _("Proposal sent."), actor=request.user, award_round=rnd, unit=unit_get(d["unit"]),
            form=AwardForm.objects.get(code=d["form"]), nominee_kind=d["nominee_kind"], nominee_name=d["nominee_name"],
            nominee_born_on=d["nominee_born_on"], nominee_position=d["nominee_position"], period=d["period"],
            achievements=d["achievements"], summary=d["summary"], initiatives=chosen)
        return redirect("award_proposal", proposal_id=proposal.pk)
    return render(request, "emulation/propose.html", {"round": rnd, "form": form, "forms": selectors.forms()})


@login_required
@require_POST
@errors_return_to(_back_to_round)
def award_round_post(request: HttpRequest, round_id: int) -> HttpResponse:
    rnd = selectors.round_get(round_id)
    run_for_page(request, services.award_round_post, _("The list is posted publicly for comments."), actor=request.user, award_round=rnd,
                 expected_version=posted_int(request, "version"))
    return redirect("award_round", round_id=rnd.pk)


@login_required
@require_POST
@errors_return_to(_back_to_round)
def award_round_decide(request: HttpRequest, round_id: int) -> HttpResponse:
    rnd = selectors.round_get(round_id)
    pending = selectors.proposals(request.user, rnd).filter(status=ProposalStatus.PROPOSED)
    decisions = {p.pk: request.POST.get(f"decision_{p.pk}") == "approve" for p in pending if request.POST.get(f"decision_{p.pk}")}
    reasons = {p.pk: request.POST.get(f"reason_{p.pk}", "") for p in pending}
    run_for_page(request, services.award_round_decide, _("The council's decision is recorded."), actor=request.user, award_round=rnd,
                 expected_version=posted_int(request, "version"), decisions=decisions, reasons=reasons,
                 minutes=request.POST.get("minutes", ""), decision_no=request.POST.get("decision_no", ""))
    return redirect("award_round", round_id=rnd.pk)


@login_required
@require_POST
def award_comment_hide(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = selectors.comment_get(request.user, comment_id)
    request.error_return_to = reverse("award_round", args=[comment.round_id])
    run_for_page(request, services.award_comment_hide, _("The comment is hidden from the public page and kept."), actor=request.user,
                 comment=comment, expected_version=posted_int(request, "version"), reason=request.POST.get("reason", ""))
    return redirect("award_round", round_id=comment.round_id)


@login_required
def award_proposal(request: HttpRequest, proposal_id: int) -> HttpResponse:
    item = selectors.proposal_get(request.user, proposal_id)
    return render(request, "emulation/proposal.html", {
        "item": item, "initiatives": item.initiatives.all(), "files": item.files.all(),
        "can_add_file": item.status == ProposalStatus.PROPOSED and item.round.status == RoundStatus.OPEN
        and can(request.user, "award_propose", item.unit),
        "can_revoke": item.status == ProposalStatus.APPROVED and can(request.user, "award_revoke", item.round.unit)})


def _back_to_proposal(request, proposal_id, **_):
    return reverse("award_proposal", args=[proposal_id])


@login_required
@require_POST
@errors_return_to(_back_to_proposal)
def award_file(request: HttpRequest, proposal_id: int) -> HttpResponse:
    item = selectors.proposal_get(request.user, proposal_id)
    upload = request.FILES.get("file")
    if upload is None:
        raise Invalid("no file", details=[detail("file", "required")])
    run_for_page(request, services.award_file_add, _("File added to the dossier."), actor=request.user, proposal=item,
                 filename=upload.name, content=upload.read())
    return redirect("award_proposal", proposal_id=item.pk)


@login_required
def award_file_download(request: HttpRequest, proposal_id: int, file_id: int) -> FileResponse:
    f = selectors.proposal_file_get(request.user, proposal_id, pk=file_id)
    return FileResponse(evidence.path_of(f.sha256).open("rb"), as_attachment=True, filename=f.filename, content_type=f.content_type)


@login_required
@require_POST
@errors_return_to(_back_to_proposal)
def award_revoke(request: HttpRequest, proposal_id: int) -> HttpResponse:
    item = selectors.proposal_get(request.user, proposal_id)
    run_for_page(request, services.award_revoke, _("The award is revoked."), actor=request.user, proposal=item,
                 expected_version=posted_int(request, "version"), reason=request.POST.get("reason", ""))
    return redirect("award_proposal", proposal_id=item.pk)


@login_required
def award_register(request: HttpRequest) -> HttpResponse:
    unit, year, form = request.GET.get("unit") or None, int_param(request, "year"), request.GET.get("form") or None
    rows = selectors.award_register(request.user, unit=unit, year=year, form=form)
    if request.GET.get("format") == "xlsx":
        return attachment(excel.register_xlsx(rows, get_language()), f"so-khen-thuong-{timezone.localdate():%Y%m%d}.xlsx")
    return render(request, "emulation/register.html", {"page": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")),
                                                      "forms": selectors.forms(), "year": year, "form": form,
                                                      "unit": unit, "query": request.GET.urlencode()})


# --- public pages (no login) ------------------------------------------------------------------------------------

def _public(request, template: str, context: dict) -> HttpResponse:
    from dieuhanh.units.selectors import city_code, unit_find

    city = unit_find(city_code())
    return render(request, template, {"city_name": city.name if city else "", "base": "/cong-khai/", "canonical": request.build_absolute_uri(),
                                      "latest": True, "release": None, **context})


def public_initiatives(request: HttpRequest) -> HttpResponse:
    items = selectors.public_initiatives()
    labels = dict(Field.choices)
    scopes = dict(Scope.choices)
    for i in items:
        i["field_label"], i["scope_label"] = labels.get(i["field"], ""), scopes.get(i["scope"], "")
    return _public(request, "emulation/public_initiatives.html", {"title": _("Recognised initiatives"), "items": items,
                                                                 "synthetic": any(i["synthetic"] for i in items)})


def public_rounds(request: HttpRequest) -> HttpResponse:
    return _public(request, "emulation/public_rounds.html", {"title": _("Award lists posted for public comment"),
                                                             "rounds": selectors.public_rounds()})


def public_round(request: HttpRequest, round_id: int) -> HttpResponse:
    rnd = selectors.public_round(round_id)
    request.error_return_to = reverse("public_award_round", args=[rnd.pk])
    proposals = selectors.public_proposals(rnd)
    form = CommentForm(request.POST or None, proposals=proposals)
    sent = False
    if request.method == "POST" and rnd.status == RoundStatus.CONSULTATION:
        if form.is_valid() and not form.cleaned_data["website"]:
            proposal = rnd.proposals.filter(pk=form.cleaned_data["proposal"]).first() if form.cleaned_data["proposal"] else None
            services.award_comment_post(actor=request.user, award_round=rnd, body=form.cleaned_data["body"], name=form.cleaned_data["name"],
                                        proposal=proposal)
            return redirect(reverse("public_award_round", args=[rnd.pk]) + "?sent=1#comments")
        sent = form.is_valid()  # a filled honeypot is thanked like a person and kept nowhere
    language = get_language()
    for p in proposals:
        p["form_name"] = p["form__name_vi"] if language.startswith("vi") else p["form__name_en"]
    return _public(request, "emulation/public_round.html", {
        "title": rnd.title, "round": rnd, "proposals": proposals, "comments": selectors.public_comments(rnd), "form": form,
        "open": rnd.status == RoundStatus.CONSULTATION and timezone.localdate() <= rnd.consultation_ends_on,
        "sent": sent or request.GET.get("sent") == "1", "synthetic": rnd.synthetic})

