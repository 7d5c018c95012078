"""A young person's inbox of alerts, read state, and the app's report that an alert was opened."""

from fastapi import APIRouter

from backend.core.responses import AUTH_ERRORS

router = APIRouter(tags=["notifications"], responses=AUTH_ERRORS)
