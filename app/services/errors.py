"""Domain errors carry a Chinese message meant for the user."""


class DomainError(Exception):
    """A business rule refused the action; the message is shown to the user as is."""

    status_code = 400

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class ValidationFailed(DomainError):
    pass


class NotFound(DomainError):
    status_code = 404


class Forbidden(DomainError):
    status_code = 403


class Conflict(DomainError):
    status_code = 409
