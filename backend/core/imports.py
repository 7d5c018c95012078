"""Shared by every file importer: one problem per bad line, and the error that writes nothing."""

from dataclasses import dataclass

from backend.core.errors import ValidationFailedError
from schemas.common import FieldProblem


@dataclass(frozen=True)
class RowError:
    line: int
    field: str
    rule: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}, {self.field}: {self.message} [{self.rule}]"


class ImportRejectedError(ValidationFailedError):
    """A file with invalid rows; nothing was written."""

    code = "import_rejected"
    title = "Import rejected"

    def __init__(self, row_errors: list[RowError]) -> None:
        super().__init__(
            f"{len(row_errors)} problem(s) in the file; nothing was written.",
            errors=[
                FieldProblem(field=f"line {e.line}.{e.field}", rule=e.rule, message=e.message)
                for e in row_errors
            ],
        )
        self.row_errors = row_errors
