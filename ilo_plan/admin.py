"""API tokens in the admin: the superuser's list of everyone's tokens, by prefix, to revoke them.

knox's own admin and DRF's old token admin are replaced. Whatever permissions a group is given,
no one but a superuser opens these pages; each person manages their own at /admin/tokens/."""

from django.contrib import admin
from knox.models import AuthToken
from rest_framework.authtoken.models import TokenProxy

admin.site.unregister(AuthToken)
admin.site.unregister(TokenProxy)


@admin.register(AuthToken)
class AuthTokenAdmin(admin.ModelAdmin):
    list_display = ["token_key", "user", "created", "expiry"]
    list_select_related = ["user"]
    search_fields = ["token_key", "user__username"]
    fields = ["token_key", "user", "created", "expiry"]
    ordering = ["-created"]

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request):
        return False  # a new key is shown once, to its owner, on /admin/tokens/

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser
