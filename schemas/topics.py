"""The published topic list."""

from schemas.common import ContractModel
from schemas.events import Topic


class TopicRead(ContractModel):
    code: Topic
    label_en: str
    label_ur: str
