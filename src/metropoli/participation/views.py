"""Pages of Participa: list, proceeding with map and list, contribution, moderation, analysis,
privacy notices, one's own contributions, and the touch table."""

from django.contrib import messages
from django.contrib.staticfiles import finders
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_GET, require_http_methods

from metropoli.common import csp
from metropoli.common.api import require
from metropoli.common.domain_errors import message_of, status_of
from metropoli.common.errors import DomainError
from metropoli.common.i18n import gettext_noop
from metropoli.common.params import whole_number
from metropoli.common.ratelimit import limit_anonymous_posts
from metropoli.maps.layers import registered_layers

from . import charts, notices, selectors, services
from .errors import ParticipationErrorCode
from .models import ContributionType, FeedbackStatus, Visibility

DEVICE_COOKIE = "participa_device"


@require_GET
def home(request):
    items = []
    for proceeding in selectors.proceedings():
        items.append({"proceeding": proceeding, "phase": proceeding.active_phase()})
    return render(
        request,
        "participation/home.html",
        {
            "items": items,
            "unread_notices": notices.unread_count(request.user),
            "can_set_up": request.user.has_perm("participation.set_up_proceedings"),
        },
    )


@require_GET
@ensure_csrf_cookie
def proceeding_page(request, slug):
    proceeding = selectors.proceeding(slug)
    _allow_external_layers(request, proceeding)
    phase = proceeding.active_phase()
    can_contribute = request.user.has_perm("participation.add_contribution", proceeding)
    return render(
        request,
        "participation/proceeding.html",
        {
            "proceeding": proceeding,
            "phase": phase,
            "phases": proceeding.phases.all(),
            "categories": proceeding.categories.all(),
            "contributions": selectors.contributions(proceeding),
            "can_contribute": can_contribute,
            "notify_replies": notices.wants_notices(request.user),
            "can_set_up": request.user.has_perm("participation.change_proceeding", proceeding),
            "needs_login": phase is not None
            and phase.accepts_contributions
            and not request.user.is_authenticated
            and not phase.allows_anonymous,
            "types": ContributionType.choices,
            "can_moderate": request.user.has_perm("participation.moderate_proceeding", proceeding),
            "area_geojson": proceeding.area.geojson,
            "data_layers": _data_layers(),
            "external_layers": proceeding.external_layers.all(),
        },
    )


def _allow_external_layers(request, proceeding) -> None:
    """The consultation's WMS / WFS / GeoJSON layers come from other servers: the page's
    Content-Security-Policy lets the map fetch them."""
    urls = tuple(layer.url for layer in proceeding.external_layers.all())
    csp.allow(request, img=urls, connect=urls)


def _data_layers() -> list[str]:
    """Other modules' tile layers shown by name when they are installed (never imported)."""
    return [name for name in ("trees", "sensors") if name in registered_layers()]


@require_http_methods(["GET", "POST"])
@limit_anonymous_posts("participation-page", limit=20, window=600)
def contribution_page(request, slug, pk):
    proceeding = selectors.proceeding(slug)
    can_moderate = request.user.has_perm("participation.moderate_proceeding", proceeding)
    # Moderators follow links from their queue to hidden contributions too.
    item = selectors.contribution(proceeding, pk, include_hidden=can_moderate)
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        token = request.COOKIES.get(DEVICE_COOKIE, "")
        try:
            if action == "comment":
                parent = request.POST.get("parent") or None
                services.add_comment(
                    contribution=item,
                    actor=request.user,
                    text=request.POST.get("text", ""),
                    parent_id=whole_number(parent),
                    device_token=token,
                    website=request.POST.get("website", ""),
                )
                messages.success(request, _("Thank you, your comment was published."))
            elif action in ("up", "down"):
                services.rate(
                    contribution=item,
                    actor=request.user,
                    value=1 if action == "up" else -1,
                    device_token=token,
                )
                messages.success(request, _("Thank you, your rating was saved."))
            elif action == "report":
                comment = request.POST.get("comment") or None
                services.report(
                    contribution=item,
                    actor=request.user,
                    reason=request.POST.get("reason", ""),
                    comment_id=whole_number(comment),
                )
                messages.success(request, _("Thank you, the moderators will look at it."))
            else:
                raise DomainError(ParticipationErrorCode.INVALID_ACTION)
            return redirect("participation:contribution", slug=slug, pk=pk)
        except DomainError as error:
            messages.error(request, message_of(error))
            status = status_of(error)
    phase = proceeding.active_phase()
    return render(
        request,
        "participation/contribution.html",
        {
            "proceeding": proceeding,
            "item": item,
            "comments": selectors.comment_tree(item),
            "can_react": request.user.has_perm("participation.react_to_contribution", proceeding),
            "phase": phase,
        },
        status=status,
    )


MODERATORS_ONLY = gettext_noop("Only the moderators of this consultation can see this page.")


@require_http_methods(["GET", "POST"])
def moderation(request, slug):
    proceeding = selectors.proceeding(slug)
    require(request, "participation.moderate_proceeding", proceeding, message=MODERATORS_ONLY)
    status = 200
    if request.method == "POST" and request.POST.get("action") == "set_pin":
        require(request, "participation.change_proceeding", proceeding, message=MODERATORS_ONLY)
        try:
            services.set_table_pin(
                proceeding=proceeding, pin=request.POST.get("pin", ""), actor=request.user
            )
            messages.success(request, _("The facilitator PIN was changed."))
            return redirect("participation:moderation", slug=slug)
        except DomainError as error:
            messages.error(request, message_of(error))
            status = status_of(error)
    elif request.method == "POST":
        item = selectors.contribution(
            proceeding, whole_number(request.POST.get("contribution")) or 0, include_hidden=True
        )
        action = request.POST.get("action")
        try:
            if action in ("hide", "show", "hide_comment"):
                comment_id = whole_number(request.POST.get("comment"))
                comment = (
                    item.comments.filter(pk=comment_id).first()
                    if action == "hide_comment" and comment_id is not None
                    else None
                )
                if action == "hide_comment" and comment is None:
                    raise DomainError(ParticipationErrorCode.NOT_FOUND)
                services.set_visibility(
                    contribution=item,
                    moderator=request.user,
                    visible=action == "show",
                    reason=request.POST.get("reason", ""),
                    comment=comment,
                )
            elif action == "feedback":
                services.give_feedback(
                    contribution=item,
                    moderator=request.user,
                    status=request.POST.get("status", ""),
                    answer=request.POST.get("answer", ""),
                )
            elif action == "dismiss":
                services.dismiss_reports(contribution=item, moderator=request.user)
            else:
                raise DomainError(ParticipationErrorCode.INVALID_ACTION)
            messages.success(request, _("Saved."))
            return redirect("participation:moderation", slug=slug)
        except DomainError as error:
            messages.error(request, message_of(error))
            status = status_of(error)
    queue = list(selectors.moderation_queue(proceeding)[:200])
    for item in queue:
        item.open_report_list = [r for r in item.reports.all() if r.resolved_at is None]
    return render(
        request,
        "participation/moderation.html",
        {
            "proceeding": proceeding,
            "queue": queue,
            "feedback_choices": FeedbackStatus.choices,
            "hidden": Visibility.HIDDEN,
            "actions": proceeding.moderation_actions.select_related("moderator")[:30],
        },
        status=status,
    )


@require_GET
def analysis(request, slug):
    proceeding = selectors.proceeding(slug)
    stats = selectors.statistics(proceeding)
    return render(
        request,
        "participation/analysis.html",
        {
            "proceeding": proceeding,
            "stats": stats,
            "category_chart": charts.bars(
                stats["categories"],
                title=_("Contributions per category"),
                chart_id="per-category-chart",
            ),
            "timeline": charts.timeline(stats["per_day"]),
            "hexmap": charts.hexmap(stats["hotspots"], proceeding.area.coords),
            "words": charts.word_cloud(stats["words"]),
            "can_export": request.user.has_perm("participation.export_contributions", proceeding),
        },
    )


@require_GET
def privacy(request):
    return render(request, "participation/privacy_short.html")


@require_GET
def privacy_full(request):
    return render(request, "participation/privacy_full.html")


@require_http_methods(["GET", "POST"])
@ensure_csrf_cookie
def mine(request):
    token = request.COOKIES.get(DEVICE_COOKIE, "")
    device = services.device_hash(token)
    if request.method == "POST" and request.POST.get("action") == "preference":
        if request.user.is_authenticated:
            notices.set_preference(
                user=request.user, notify_replies=request.POST.get("notify_replies") == "on"
            )
            messages.success(request, _("Your choice was saved."))
        return redirect("participation:mine")
    if request.method == "POST":
        item = (
            selectors.my_contributions(request.user, device)
            .filter(pk=whole_number(request.POST.get("contribution")) or 0)
            .first()
        )
        if item is None:
            messages.error(request, _("You can only delete your own contributions."))
        else:
            services.delete_contribution(contribution=item, actor=request.user, device_token=token)
            messages.success(request, _("Your contribution was deleted."))
        return redirect("participation:mine")
    own_notices = []
    if request.user.is_authenticated:
        own_notices = list(notices.of(request.user)[:50])
        notices.mark_read(request.user)
    return render(
        request,
        "participation/mine.html",
        {
            "items": selectors.my_contributions(request.user, device),
            "notices": own_notices,
            "notify_replies": notices.wants_notices(request.user),
        },
    )


@require_GET
@ensure_csrf_cookie
def table(request, slug):
    proceeding = selectors.proceeding(slug)
    _allow_external_layers(request, proceeding)
    return render(
        request,
        "participation/table.html",
        {
            "proceeding": proceeding,
            "phase": proceeding.active_phase(),
            "categories": proceeding.categories.all(),
            "category_colours": {str(c.pk): c.colour for c in proceeding.categories.all()},
            "external_layers": proceeding.external_layers.all(),
            "has_pin": bool(proceeding.table_pin_hash),
            "area_geojson": proceeding.area.geojson,
            "data_layers": _data_layers(),
        },
    )


@require_GET
def table_service_worker(request):
    path = finders.find("participation/table-sw.js")
    response = FileResponse(open(path, "rb"), content_type="text/javascript")  # noqa: SIM115
    response["Service-Worker-Allowed"] = "/participa/mesa/"
    response["Cache-Control"] = "no-cache"
    return response
