"""Permission policy of the API: open reads, writes by model permission."""

from rest_framework.permissions import SAFE_METHODS, DjangoModelPermissions


class ReadOpenModelPermissions(DjangoModelPermissions):
    """Reads for everyone; writes need a signed-in user with the model permission.

    DjangoModelPermissions alone rejects anonymous GET requests and has no rule
    for the `view` permission. Here GET, HEAD and OPTIONS pass for everyone,
    and each view's queryset decides what a reader sees (drafts for staff only).
    POST needs `add`, PUT and PATCH need `change`, DELETE needs `delete`.
    """

    def has_permission(self, request, view):
        if request.method in SAFE_METHODS:
            return True
        return super().has_permission(request, view)
