"""App context for job functions, whether they run in a worker or inline in a request."""

from contextlib import contextmanager

from flask import current_app, has_app_context

_worker_app = None


@contextmanager
def job_context():
    """Inside a request (inline mode) reuse its app; in a worker build the app once per process."""
    global _worker_app
    from app.sqlite_transactions import write_transactions

    if has_app_context():
        with write_transactions():
            yield current_app
        return
    if _worker_app is None:
        from app import create_app

        _worker_app = create_app()
    with _worker_app.app_context(), write_transactions():
        try:
            yield _worker_app
        finally:
            from app.extensions import db

            db.session.remove()
