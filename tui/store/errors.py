"""Errors the store raises: each carries a one-line message meant for a person."""


class StoreError(Exception):
    """Something is wrong with the notebook file or an operation on it."""


class NotFound(StoreError):
    """A case, interaction or promise that does not exist."""


class ValidationError(StoreError):
    """A field's value is not acceptable; `field` names it so a form can point at it."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
