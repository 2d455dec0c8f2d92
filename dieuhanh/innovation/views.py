"""Pages of calls for solutions: the officials' side (``/dat-hang/``, ``/ho-tro/``), the proposers' own pages
(``/de-xuat/``) and the public pages (``/cong-khai/dat-hang/``, ``/cong-khai/ho-tro/``). Views read through
selectors and write through actions; domain errors go to ``DomainErrorMiddleware``."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dieuhanh import evidence as evidence_store
from dieuhanh.access.models import RoleAssignment
from dieuhanh.access.policy import PERMISSIONS
from dieuhanh.core.common.text import collation_key
from dieuhanh.errors import NotFound
from dieuhanh.innovation import excel, forms, selectors, services
from dieuhanh.innovation.auth import can_manage_call, proposer_of
from dieuhanh.innovation.models import SUPPORT_KINDS, ProposalFile, Stage
from dieuhanh.pages import attachment, errors_return_to, form_data, posted_int, run_for_page
from dieuhanh.units.models import Unit
from dieuhanh.units.selectors import city_code, unit_find, unit_get


def _official(request) -> None:
    """Officials' pages only: a proposer is already fenced off by ``ProposerFence``, which tells each request once
    (``request.is_proposer``, kept in the session); this guard reads that answer instead of asking again."""
    if getattr(request, "is_proposer", False):
        raise NotFound("not found")


def _owners(user):
    ids = RoleAssignment.objects.filter(user=user, revoked_at__isnull=True, role__in=PERMISSIONS["call_manage"]).values_list("unit_id", flat=True)
    return sorted(Unit.objects.filter(pk__in=list(ids)), key=lambda u: collation_key(u.name))


def _city_units():
    city = unit_find(city_code())
    qs = Unit.objects.filter(path__startswith=city.path) if city else Unit.objects.none()
    return sorted(qs, key=lambda u: collation_key(u.name))


# ---------------------------------------------------------------- officials

@login_required
def call_list(request: HttpRequest, support: bool = False) -> HttpResponse:
    _official(request)
    stage = request.GET.get("stage") if request.GET.get("stage") in Stage.values else None
    calls = selectors.calls_visible(request.user, stage=stage, support=support).order_by("-created_on", "-id")
    return render(request, "innovation/call_list.html", {
        "calls": calls, "support": support, "stages": Stage.choices, "stage": stage,
        "figures": selectors.figures(request.user, support=support), "can_create": bool(_owners(request.user)),
        "export_url": reverse("support_export" if support else "call_export"),
    })


@login_required
def call_export(request: HttpRequest, support: bool = False) -> HttpResponse:
    _official(request)
    calls = selectors.calls_visible(request.user, support=support).order_by("-created_on", "-id")
    name = "chuong-trinh-ho-tro" if support else "bai-toan-dat-hang"
    return attachment(excel.calls_xlsx(calls), f"{name}.xlsx")


@login_required
@errors_return_to(lambda request, **kw: reverse("call_create"))
def call_create(request: HttpRequest) -> HttpResponse:
    _official(request)
    owners = _owners(request.user)
    if not owners:
        raise NotFound("no unit")
    form = forms.CallForm(request.POST or None, owners=owners,
                          initial={"criteria": _("Fit to the need = 40\nFeasibility and cost = 30\nCapacity of the team = 30"),
                                   "kind": request.GET.get("kind", "problem")})
    if request.method == "POST":
        form_data(form)
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("owner", "criteria")}
        call = run_for_page(request, services.call_create, _("The draft is saved."), actor=request.user,
                            owner=unit_get(form.cleaned_data["owner"]), criteria=form.cleaned_data["criteria"], **data)
        return redirect("call_detail", call.pk)
    return render(request, "innovation/call_form.html", {"form": form, "call": None})


@login_required
@errors_return_to(lambda request, **kw: reverse("call_edit", args=[kw["call_id"]]))
def call_edit(request: HttpRequest, call_id: int) -> HttpResponse:
    _official(request)
    call = selectors.call_get(request.user, call_id)
    form = forms.CallForm(request.POST or None, instance=call, initial={"criteria": forms.criteria_text(call)})
    if request.method == "POST":
        form_data(form)
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("criteria", "kind")}
        run_for_page(request, services.call_update, _("The draft is saved."), actor=request.user, call=call,
                     expected_version=posted_int(request, "version"), criteria=form.cleaned_data["criteria"], **data)
        return redirect("call_detail", call.pk)
    return render(request, "innovation/call_form.html", {"form": form, "call": call})


NEXT_STEP = {Stage.DRAFT: Stage.PUBLISHED, Stage.PUBLISHED: Stage.CLOSED, Stage.CLOSED: Stage.EVALUATION, Stage.SELECTED: Stage.CONTRACTED}


@login_required
def call_detail(request: HttpRequest, call_id: int) -> HttpResponse:
    _official(request)
    call = selectors.call_get(request.user, call_id)
    board = selectors.evaluation_board(request.user, call)
    manage = can_manage_call(request.user, call)
    proposals = [r.proposal for r in board["rows"]]
    context = {
        "call": call, "board": board, "manage": manage, "criteria": list(call.criteria.all()), "outcome": selectors.public_outcome(call),
        "next_step": NEXT_STEP.get(call.stage) if manage else None, "support": call.kind in SUPPORT_KINDS,
        "proposers_shown": not board["blind"],
    }
    if manage:
        if not call.reached(Stage.SELECTED):
            context["council_form"] = forms.CouncilForm(people=selectors.officials_for_council(call),
                                                        initial={"members": [str(m.user_id) for m in board["members"]]})
        if call.stage == Stage.EVALUATION and proposals:
            context["decision_form"] = forms.DecisionForm(proposals=proposals)
        if call.reached(Stage.SELECTED) and call.stage != Stage.FAILED:
            context["milestone_form"] = forms.MilestoneForm()
        if call.stage == Stage.CONTRACTED:
            context["accept_form"] = forms.AcceptForm()
        if call.stage in (Stage.ACCEPTED, Stage.IN_USE):
            context["adoption_form"] = forms.AdoptionForm(units=_city_units())
    return render(request, "innovation/call_detail.html", context)


def _to_call(request, call_id: int, **_kw) -> str:
    return reverse("call_detail", args=[call_id])


@login_required
@require_POST
@errors_return_to(_to_call)
def call_move(request: HttpRequest, call_id: int) -> HttpResponse:
    _official(request)
    call = selectors.call_get(request.user, call_id)
    run_for_page(request, services.call_move, _("The stage is changed."), actor=request.user, call=call,
                 expected_version=posted_int(request, "version"), to=request.POST.get("to", ""))
    return redirect("call_detail", call.pk)


@login_required
@require_POST
@errors_return_to(_to_call)
def council(request: HttpRequest, call_id: int) -> HttpResponse:
    _official(request)
    call = selectors.call_get(request.user, call_id)
    people = {str(u.pk): u for u in selectors.officials_for_council(call)}
    members = [people[i] for i in request.POST.getlist("members") if i in people]
    run_for_page(request, services.council_set, _("The council is named."), actor=request.user, call=call,
                 expected_version=posted_int(request, "version"), members=members)
    return redirect("call_detail", call.pk)


@login_required
@require_POST
@errors_return_to(_to_call)
def decide(request: HttpRequest, call_id: int) -> HttpResponse:
    _official(request)
    call = selectors.call_get(request.user, call_id)
    proposals = list(selectors.call_proposals(call))
    form = forms.DecisionForm(request.POST, proposals=proposals)
    form_data(form)
    answer = form.cleaned_data["answer"]
    amounts = {p.pk: request.POST.get(f"amount_{p.pk}") for p in proposals if request.POST.get(f"amount_{p.pk}", "").isdigit()}
    run_for_page(request, services.call_select, _("The decision is recorded and every proposer is answered."), actor=request.user,
                 call=call, expected_version=posted_int(request, "version"), selected=form.cleaned_data["selected"],
                 minutes=form.cleaned_data["minutes"], reasons=form.cleaned_data["reasons"],
                 answers={p.pk: answer for p in proposals} if answer else None, amounts=amounts)
    return redirect("call_detail", call.pk)


@login_required
@require_POST
@errors_return_to(_to_call)
def milestone(request: HttpRequest, call_id: int) -> HttpResponse:
    _official(request)
    call = selectors.call_get(request.user, call_id)
    form = forms.MilestoneForm(request.POST)
    form_data(form)
    from dieuhanh.plans.selectors import task_get

    task = task_get(request.user, form.cleaned_data["task"]) if form.cleaned_data["task"] else None
    run_for_page(request, services.milestone_add, _("The milestone is added."), actor=request.user, call=call,
                 title=form.cleaned_data["title"], due_on=form.cleaned_data["due_on"], task=task)
    return redirect("call_detail", call.pk)


@login_required
@require_POST
def milestone_done(request: HttpRequest, call_id: int, milestone_id: int) -> HttpResponse:
    _official(request)
    call = selectors.call_get(request.user, call_id)
    m = call.milestones.filter(pk=milestone_id).first()
    if m is None:
        raise NotFound("milestone not found")
    request.error_return_to = reverse("call_detail", args=[call.pk])
    run_for_page(request, services.milestone_done, _("The milestone is done."), actor=request.user, milestone=m)
    return redirect("call_detail", call.pk)


@login_required
@require_POST
@errors_return_to(_to_call)
def accept(request: HttpRequest, call_id: int) -> HttpResponse:
    _official(request)
    call = selectors.call_get(request.user, call_id)
    form = forms.AcceptForm(request.POST)
    form_data(form)
    run_for_page(request, services.call_accept, _("The acceptance is recorded."), actor=request.user, call=call,
                 expected_version=posted_int(request, "version"), passed=form.cleaned_data["passed"] == "1", note=form.cleaned_data["note"])
    return redirect("call_detail", call.pk)


@login_required
@require_POST
@errors_return_to(_to_call)
def adopt(request: HttpRequest, call_id: int) -> HttpResponse:
    _official(request)
    call = selectors.call_get(request.user, call_id)
    form = forms.AdoptionForm(request.POST, units=_city_units())
    form_data(form)
    run_for_page(request, services.adoption_add, _("The adoption is recorded."), actor=request.user, call=call,
                 expected_version=posted_int(request, "version"), unit=unit_get(form.cleaned_data["unit"]), since=form.cleaned_data["since"],
                 result=form.cleaned_data["result"])
    return redirect("call_detail", call.pk)


@login_required
def proposal_detail(request: HttpRequest, proposal_id: int) -> HttpResponse:
    _official(request)
    p = selectors.proposal_get(request.user, proposal_id)
    call = p.call
    board = selectors.evaluation_board(request.user, call)
    row = next((r for r in board["rows"] if r.proposal.pk == p.pk), None)
    mine = selectors.member_evaluation(request.user, p)
    can_eval = selectors.can_evaluate(request.user, call) and (mine is None or mine.submitted_on is None)
    criteria = list(call.criteria.all())
    return render(request, "innovation/proposal_detail.html", {
        "p": p, "call": call, "row": row, "mine": mine, "criteria": criteria, "proposer_shown": selectors.proposer_shown(request.user, p),
        "score_form": forms.ScoreForm(criteria=criteria) if can_eval else None, "conflict_form": forms.ConflictForm() if can_eval else None,
        "amounts_form": forms.AmountsForm(initial={"contracted": p.amount_contracted, "disbursed": p.amount_disbursed, "result": p.result})
        if can_manage_call(request.user, call) and p.status == "selected" and call.kind in SUPPORT_KINDS else None,
        "criteria_names": {str(c.pk): c.name for c in criteria},
    })


def _to_proposal(request, proposal_id: int, **_kw) -> str:
    return reverse("proposal_detail", args=[proposal_id])


@login_required
@require_POST
@errors_return_to(_to_proposal)
def score(request: HttpRequest, proposal_id: int) -> HttpResponse:
    _official(request)
    p = selectors.proposal_get(request.user, proposal_id)
    form = forms.ScoreForm(request.POST, criteria=list(p.call.criteria.all()))
    form_data(form)
    run_for_page(request, services.evaluation_submit, _("Your evaluation is handed in."), actor=request.user, proposal=p,
                 scores=form.scores(), comment=form.cleaned_data["comment"])
    return redirect("proposal_detail", p.pk)


@login_required
@require_POST
@errors_return_to(_to_proposal)
def conflict(request: HttpRequest, proposal_id: int) -> HttpResponse:
    _official(request)
    p = selectors.proposal_get(request.user, proposal_id)
    run_for_page(request, services.conflict_declare, _("Your conflict of interest is recorded."), actor=request.user, proposal=p,
                 note=request.POST.get("note", ""))
    return redirect("proposal_detail", p.pk)


@login_required
@require_POST
@errors_return_to(_to_proposal)
def amounts(request: HttpRequest, proposal_id: int) -> HttpResponse:
    _official(request)
    p = selectors.proposal_get(request.user, proposal_id)
    form = forms.AmountsForm(request.POST)
    form_data(form)
    run_for_page(request, services.support_amounts_set, _("The amounts are saved."), actor=request.user, proposal=p,
                 expected_version=posted_int(request, "version"), contracted=form.cleaned_data["contracted"],
                 disbursed=form.cleaned_data["disbursed"], result=form.cleaned_data["result"])
    return redirect("proposal_detail", p.pk)


def _file(p, file_id: int) -> HttpResponse:
    f = ProposalFile.objects.filter(proposal=p, pk=file_id).first()
    path = evidence_store.path_of(f.sha256) if f else None
    if f is None or not path.exists():
        raise NotFound("file not found")
    return FileResponse(path.open("rb"), as_attachment=True, filename=f.filename, content_type=f.content_type)


@login_required
def proposal_file(request: HttpRequest, proposal_id: int, file_id: int) -> HttpResponse:
    _official(request)
    return _file(selectors.proposal_get(request.user, proposal_id), file_id)


@login_required
def proposals_export(request: HttpRequest, call_id: int) -> HttpResponse:
    _official(request)
    call = selectors.call_get(request.user, call_id)
    board = selectors.evaluation_board(request.user, call)
    return attachment(excel.proposals_xlsx(call, board["rows"], proposers_shown=not board["blind"]), f"de-xuat-{call.pk}.xlsx")


# ---------------------------------------------------------------- proposers

def _proposer(request):
    me = proposer_of(request.user)
    if me is None:
        raise NotFound("not a proposer")
    return me


def register(request: HttpRequest) -> HttpResponse:
    form = forms.RegisterForm(request.POST or None)
    if request.method == "POST":
        request.error_return_to = reverse("proposer_register")
        form_data(form)
        services.proposer_register(actor=request.user, **form.cleaned_data)
        return redirect("proposer_registered")
    return render(request, "innovation/register.html", {"form": form})


def registered(request: HttpRequest) -> HttpResponse:
    return render(request, "innovation/registered.html")


def verify(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "POST":
        request.error_return_to = reverse("proposer_verify", args=[token])
        services.proposer_verify(actor=request.user, token=token)
        return render(request, "innovation/verified.html")
    return render(request, "innovation/verify.html", {"token": token})


@login_required
def proposer_home(request: HttpRequest) -> HttpResponse:
    me = _proposer(request)
    return render(request, "innovation/proposer_home.html", {"me": me, "calls": selectors.open_calls(),
                                                             "proposals": selectors.my_proposals(request.user)})


@login_required
@errors_return_to(lambda request, **kw: reverse("proposal_submit", args=[kw["call_id"]]))
def submit(request: HttpRequest, call_id: int) -> HttpResponse:
    _proposer(request)
    call = selectors.public_call_get(call_id)
    form = forms.ProposalForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        form_data(form)
        data = {k: v for k, v in form.cleaned_data.items() if k != "attachments"}
        p = run_for_page(request, services.proposal_submit, _("Your proposal is submitted."), actor=request.user, call=call,
                         files=forms.uploaded(request), **data)
        return redirect("proposer_proposal", p.pk)
    return render(request, "innovation/proposal_form.html", {"form": form, "call": call, "p": None})


@login_required
def my_proposal(request: HttpRequest, proposal_id: int) -> HttpResponse:
    _proposer(request)
    p = selectors.my_proposal_get(request.user, proposal_id)
    editable = p.status == "submitted" and p.call.stage == Stage.PUBLISHED and (p.call.closes_on is None or p.call.closes_on >= selectors.today())
    return render(request, "innovation/my_proposal.html", {
        "p": p, "call": p.call, "editable": editable, "score": selectors.my_score(p),
        "form": forms.ProposalForm(instance=p) if editable else None,
        "withdrawable": p.status == "submitted" and not p.call.reached(Stage.SELECTED),
    })


def _to_mine(request, proposal_id: int, **_kw) -> str:
    return reverse("proposer_proposal", args=[proposal_id])


@login_required
@require_POST
@errors_return_to(_to_mine)
def my_proposal_edit(request: HttpRequest, proposal_id: int) -> HttpResponse:
    _proposer(request)
    p = selectors.my_proposal_get(request.user, proposal_id)
    form = forms.ProposalForm(request.POST, request.FILES or None, instance=p)
    form_data(form)
    data = {k: v for k, v in form.cleaned_data.items() if k not in ("attachments", "rules_accepted")}
    run_for_page(request, services.proposal_update, _("Your proposal is saved."), actor=request.user, proposal=p,
                 expected_version=posted_int(request, "version"), files=forms.uploaded(request), **data)
    return redirect("proposer_proposal", p.pk)


@login_required
@require_POST
@errors_return_to(_to_mine)
def my_proposal_withdraw(request: HttpRequest, proposal_id: int) -> HttpResponse:
    _proposer(request)
    p = selectors.my_proposal_get(request.user, proposal_id)
    run_for_page(request, services.proposal_withdraw, _("Your proposal is withdrawn."), actor=request.user, proposal=p,
                 expected_version=posted_int(request, "version"))
    return redirect("proposer_home")


@login_required
def my_file(request: HttpRequest, proposal_id: int, file_id: int) -> HttpResponse:
    _proposer(request)
    return _file(selectors.my_proposal_get(request.user, proposal_id), file_id)


# ---------------------------------------------------------------- public

def _public(request, template: str, context: dict) -> HttpResponse:
    city = unit_find(city_code())
    base = {"base": "/cong-khai/", "release": None, "latest": True, "city_name": city.name if city else "",
            "canonical": request.build_absolute_uri(request.path)}
    return render(request, template, {**base, **context})


def public_list(request: HttpRequest, support: bool = False) -> HttpResponse:
    title = _("Support programmes") if support else _("Problems ordered by the city")
    return _public(request, "innovation/public_list.html", {"title": title, "calls": selectors.public_calls(support=support),
                                                            "support": support, "register": selectors.support_register() if support else None})


def public_call(request: HttpRequest, call_id: int) -> HttpResponse:
    call = selectors.public_call_get(call_id)
    return _public(request, "innovation/public_call.html", {"title": call.title, "call": call, "criteria": list(call.criteria.all()),
                                                            "outcome": selectors.public_outcome(call), "stages": _timeline(call)})


def _timeline(call) -> list[dict]:
    """The stages a call goes through, each marked done, current or to come (failed replaces accepted)."""
    path = [Stage.PUBLISHED, Stage.CLOSED, Stage.EVALUATION, Stage.SELECTED, Stage.CONTRACTED,
            Stage.FAILED if call.stage == Stage.FAILED else Stage.ACCEPTED, Stage.IN_USE]
    out = []
    for s in path:
        state = "current" if call.stage == s else ("done" if call.reached(s) else "todo")
        out.append({"label": Stage(s).label, "state": state})
    return out
