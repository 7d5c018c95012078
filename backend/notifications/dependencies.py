"""The process's FCM sender for requests that change topic subscriptions at once (None without FCM)."""

from typing import Annotated

from fastapi import Depends, Request

from backend.alerts.fcm import FcmSender


def _push_sender(request: Request) -> FcmSender | None:
    sender: FcmSender | None = getattr(request.app.state, "fcm", None)
    return sender


PushSender = Annotated[FcmSender | None, Depends(_push_sender)]
