"""Liveness and readiness."""

from schemas.common import ContractModel


class HealthRead(ContractModel):
    status: str
