from django import template

from indicators import access

from .. import dashboard

register = template.Library()


@register.inclusion_tag("admin/dashboard.html", takes_context=True)
def staff_dashboard(context):
    user = context["request"].user
    enters = access.acts_as(user, access.ROLE_REGISTRADOR)
    reviews = access.acts_as(user, access.ROLE_REVISOR)
    due = dashboard.due_for(user) if enters else None
    queue = dashboard.review_queue(user) if reviews else None
    every_due = [item for group in due or [] for item in group.items]
    return {
        "due": None if due is None else [(group.plan, dashboard.with_links(group.items)) for group in due],
        "queue": queue,
        "offices": dashboard.counts_by_office(user, every_due) if enters or reviews else [],
        "enters": enters,
        "roles": {
            name: access.ROLE_DESCRIPTIONS[name] for name in access.ROLE_DESCRIPTIONS if access.has_role(user, name)
        },
    }
