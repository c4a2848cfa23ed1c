"""One way for a view to run a change: commit it and say so, or roll all of it back and say why.

    with committed("联系人已保存") as outcome:
        contacts.save_contact(customer, contact, values)
    if outcome.failed:
        return self._contact_page(customer, contact, form.to_dict(), outcome.error)

A DomainError raised inside the block (a business rule refusing the change) rolls the session
back and is kept on the outcome: its message as outcome.error, the exception itself as
outcome.exception (for a view that answers NotFound / Forbidden with 404 / 403). The message is
flashed as an error too, unless the page shows it itself (flash_error=False). Code after the
block runs after the rollback, so objects read there come from the database again.

Any other exception is not caught: the request fails and Flask-SQLAlchemy discards the session,
so nothing is half-saved either way; a view that handles such an exception itself (say a
ValueError) catches it around the block and rolls back there.

The success message is flashed (category "success") after the commit; set outcome.message
inside the block when it depends on what the change did. Nothing is flashed without one.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from flask import flash

from app.extensions import db
from app.services.errors import DomainError
from app.sqlite_transactions import begin_write


@dataclass
class Outcome:
    message: str | None = None
    error: str | None = None
    exception: DomainError | None = None

    @property
    def failed(self) -> bool:
        return self.error is not None


@contextmanager
def committed(success: str | None = None, flash_error: bool = True) -> Iterator[Outcome]:
    outcome = Outcome(message=success)
    try:
        begin_write(db.session)  # SQLite: the change reads and writes under the write lock
        yield outcome
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        outcome.error = exc.message
        outcome.exception = exc
        if flash_error:
            flash(exc.message, "error")
        return
    if outcome.message:
        flash(outcome.message, "success")
