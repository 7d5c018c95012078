"""Editors' alert campaigns: write, preview, confirm (four eyes), cancel, and their statistics."""

from fastapi import APIRouter

from backend.core.responses import AUTH_ERRORS

router = APIRouter(prefix="/editorial/campaigns", tags=["alerts"], responses=AUTH_ERRORS)
