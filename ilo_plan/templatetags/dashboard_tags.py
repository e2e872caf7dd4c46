from django import template

from indicators import roles

from .. import dashboard

register = template.Library()


@register.inclusion_tag("admin/dashboard.html", takes_context=True)
def staff_dashboard(context):
    user = context["request"].user
    enters = user.is_superuser or roles.has_role(user, roles.ROLE_REGISTRADOR)
    reviews = user.is_superuser or roles.has_role(user, roles.ROLE_REVISOR)
    due = dashboard.due_for(user) if enters else None
    queue = dashboard.review_queue(user) if reviews else None
    return {
        "due": None if due is None else dashboard.with_links(due),
        "queue": queue,
        "offices": dashboard.counts_by_office(user, due or []) if enters or reviews else [],
        "enters": enters,
        "roles": {
            name: roles.ROLE_DESCRIPTIONS[name] for name in roles.ROLE_DESCRIPTIONS if roles.has_role(user, name)
        },
    }
