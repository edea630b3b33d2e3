"""The bell: the number of unread in-platform messages, on every page."""

from meili.governance.models import Notification


def notifications(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": Notification.objects.filter(user=user, read=False).count()}
