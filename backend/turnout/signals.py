"""What the brief asks of the features built on turnout (connected in backend/registry.py)."""

from backend.core.signals import Signal
from schemas.turnout import BriefLanguage

# More pages of a seat's brief: each handler answers its page's HTML (one `<section class="page">`, every
# figure through the one gate, all text escaped) for the seat, the brief's months and language, or None
# when it has nothing to say. Collected in the order the handlers were connected.
brief_pages: Signal[[str, list[str], BriefLanguage]] = Signal("turnout.brief_pages")
