from django import template

from indicators import roles

from .. import dashboard

register = template.Library()


@register.inclusion_tag("admin/dashboard.html", takes_context=True)
def staff_dashboard(context):
    user = context["request"].user
    return {
        "due": dashboard.due_for(user) if user.is_superuser or roles.has_role(user, roles.ROLE_REGISTRADOR) else None,
        "queue": dashboard.review_queue(user)
        if user.is_superuser or roles.has_role(user, roles.ROLE_REVISOR)
        else None,
        "roles": {
            name: roles.ROLE_DESCRIPTIONS[name] for name in roles.ROLE_DESCRIPTIONS if roles.has_role(user, name)
        },
    }
