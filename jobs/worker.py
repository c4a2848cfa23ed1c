"""`rq worker -w jobs.worker.CrmWorker`: builds the app once in the worker process, before it forks.

RQ's default worker runs each job in a freshly forked work horse. The app built inside the horse
(jobs/context.py) dies with it, so every job paid create_app() again (seconds on a busy machine; a
500-number SMS send took 20 s instead of 0.3 s). Built in the parent, the horses inherit it. The parent
closes its database connections first, so no pooled connection is shared across the fork.
"""

from rq import Worker


class CrmWorker(Worker):
    def work(self, *args, **kwargs):
        from jobs import context

        if context._worker_app is None:
            from app import create_app
            from app.extensions import db

            context._worker_app = create_app()
            with context._worker_app.app_context():
                db.engine.dispose()
        return super().work(*args, **kwargs)
