"""« Structure › Utilisateurs » (PRODUCT §1, O3): the manager's page of logins."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from recouvrement.db.models import Collaborator, Membership
from recouvrement.domain.statuses import Role
from recouvrement.services.logins import (
    failure_limit,
    lock_minutes,
    locked_addresses,
    locked_usernames,
    unlock_address,
    unlock_user,
)
from recouvrement.services.passwords import issue_password_reset, reset_link_hours
from recouvrement.services.users import (
    MANAGE_USERS,
    create_user,
    deactivate_user,
    reactivate_user,
    update_user,
)
from recouvrement.web.account.forms import password_rules
from recouvrement.web.structure.user_forms import UserCreateForm, UserEditForm
from recouvrement.web.workspace import Workspace, current_workspace


def _workspace(request: HttpRequest) -> Workspace:
    """Only a « Responsable recouvrement » opens these pages (403 with the domain's message)."""
    workspace = current_workspace(request)
    workspace.require_manager(MANAGE_USERS)
    return workspace


def _account(workspace: Workspace, pk: int) -> User:
    return get_object_or_404(User, pk=pk, memberships__company=workspace.company)


def _rows(workspace: Workspace, me: int) -> list[dict]:
    """Every login of the company: active ones first, then by name."""
    memberships = (
        Membership.objects.filter(company=workspace.company)
        .select_related("user")
        .order_by("-user__is_active", "user__username")
    )
    company_collaborators = Collaborator.objects.filter(company=workspace.company)
    linked = {c.user_id: c for c in company_collaborators.filter(user__isnull=False)}
    locks = locked_usernames([m.user.username for m in memberships])
    return [
        {
            "account": m.user,
            "role": Role(m.role).label,
            "collaborator": linked.get(m.user_id),
            "is_me": m.user_id == me,
            "lock": locks.get(m.user.username),
        }
        for m in memberships
    ]


@login_required
def user_list(request: HttpRequest) -> HttpResponse:
    workspace = _workspace(request)
    return render(
        request,
        "structure/user_list.html",
        {
            "rows": _rows(workspace, request.user.pk),
            "locked_addresses": locked_addresses(),
            "lock_minutes": lock_minutes(),
            "failure_limit": failure_limit(),
        },
    )


@login_required
def user_create(request: HttpRequest) -> HttpResponse:
    workspace = _workspace(request)
    company = workspace.company
    form = UserCreateForm(request.POST or None, company=company)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            account = create_user(
                company,
                username=data["username"],
                password=data["password"],
                role=data["role"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                collaborator_id=form.collaborator_id,
                user=request.user,
            )
        except ValidationError as refused:
            form.add_error(None, refused)
        else:
            messages.success(request, f"Utilisateur « {account.username} » créé.")
            return redirect("user_list")
    return render(
        request,
        "structure/user_form.html",
        {"form": form, "account": None, "rules": password_rules()},
        status=400 if form.errors else 200,
    )


@login_required
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    workspace = _workspace(request)
    account = _account(workspace, pk)
    membership = account.memberships.get(company=workspace.company)
    linked = Collaborator.objects.filter(user=account, company=workspace.company).first()
    initial = {"role": membership.role, "collaborator": linked}
    form = UserEditForm(
        request.POST or None, initial=initial, company=workspace.company, account=account
    )
    if request.method == "POST" and form.is_valid():
        try:
            changed = update_user(
                workspace.company,
                account,
                role=form.cleaned_data["role"],
                collaborator_id=form.collaborator_id,
                user=request.user,
            )
        except ValidationError as refused:
            form.add_error(None, refused)
        else:
            messages.success(
                request, "Modifications enregistrées." if changed else "Aucune modification."
            )
            return redirect("user_edit", pk=account.pk)
    return render(
        request,
        "structure/user_form.html",
        {
            "form": form,
            "account": account,
            "role": Role(membership.role).label,
            "hours": reset_link_hours(),
        },
        status=400 if form.errors else 200,
    )


def _switch(request: HttpRequest, pk: int, service, done: str) -> HttpResponse:
    workspace = _workspace(request)
    account = _account(workspace, pk)
    try:
        if service(workspace.company, account, user=request.user):
            messages.success(request, done.format(username=account.username))
    except ValidationError as refused:
        for message in refused.messages:
            messages.error(request, message)
    return redirect("user_edit", pk=account.pk)


@login_required
@require_POST
def user_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    return _switch(
        request, pk, deactivate_user, "« {username} » est désactivé : il ne peut plus se connecter."
    )


@login_required
@require_POST
def user_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    return _switch(request, pk, reactivate_user, "« {username} » est réactivé.")


@never_cache
@login_required
@require_POST
def user_password_reset(request: HttpRequest, pk: int) -> HttpResponse:
    """Shows the one-time link once (not stored: a reload asks for a new one)."""
    workspace = _workspace(request)
    account = _account(workspace, pk)
    try:
        link = issue_password_reset(workspace.company, account, user=request.user)
    except ValidationError as refused:
        for message in refused.messages:
            messages.error(request, message)
        return redirect("user_edit", pk=account.pk)
    return render(
        request,
        "structure/user_reset_link.html",
        {
            "account": account,
            "url": request.build_absolute_uri(link.path),
            "expires_at": link.expires_at,
        },
    )


@login_required
@require_POST
def user_unlock(request: HttpRequest, pk: int) -> HttpResponse:
    """« Débloquer » an account locked after too many failed logins (O3)."""
    workspace = _workspace(request)
    account = _account(workspace, pk)
    try:
        if unlock_user(workspace.company, account, user=request.user):
            messages.success(
                request, f"« {account.username} » est débloqué : il peut se connecter."
            )
    except ValidationError as refused:
        for message in refused.messages:
            messages.error(request, message)
    return redirect("user_list")


@login_required
@require_POST
def address_unlock(request: HttpRequest) -> HttpResponse:
    """« Débloquer » an address (every login from it was refused)."""
    workspace = _workspace(request)
    address = request.POST.get("address", "")
    try:
        if unlock_address(workspace.company, address, user=request.user):
            messages.success(request, f"L'adresse {address} est débloquée.")
    except ValidationError as refused:
        for message in refused.messages:
            messages.error(request, message)
    return redirect("user_list")
