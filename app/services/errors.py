"""Domain errors carry a Chinese message meant for the user."""


class DomainError(Exception):
    """A business rule refused the action; the message is shown to the user as is."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class ValidationFailed(DomainError):
    pass


class NotFound(DomainError):
    """Views answer 404: the record does not exist for this user (also when it lies outside the data scope)."""


class Forbidden(DomainError):
    """Views answer 403: the user lacks the permission."""


class Conflict(DomainError):
    """Someone else changed the record at the same moment; trying again is safe."""
