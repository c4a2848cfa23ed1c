"""gunicorn settings for `make run`: `gunicorn -c app/gunicorn_config.py wsgi:app`.

Everything can be overridden from the environment (HOST, PORT, WEB_WORKERS, WEB_THREADS, WEB_TIMEOUT) or on
the command line. Graceful reload: `kill -HUP $(cat instance/gunicorn.pid)` starts new workers with the new
code and lets the old ones finish their requests.
"""

import multiprocessing
import os

from app.config import INSTANCE_DIR

_cores = multiprocessing.cpu_count()
_on_sqlite = os.environ.get("DATABASE_URL", "sqlite").startswith("sqlite")

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '5000')}"
# SQLite has one writer at a time: a few processes with threads keep every core busy on rendering while saves
# queue briefly on the write lock. A server database takes more processes.
workers = int(os.environ.get("WEB_WORKERS", _cores if _on_sqlite else 2 * _cores + 1))
worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS", 4))
timeout = int(os.environ.get("WEB_TIMEOUT", 60))  # a worker silent this long is restarted
graceful_timeout = 30  # on reload or stop, running requests get this long to finish
keepalive = 5
# Requests larger than the application's own limit are refused by Flask with the 413 page; these only bound the
# request line and headers.
limit_request_line = 8190
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("WEB_LOG_LEVEL", "info")
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
pidfile = str(INSTANCE_DIR / "gunicorn.pid")
# The control socket of `gunicornc` lives with the instance, so two installations never share one.
control_socket = str(INSTANCE_DIR / "gunicorn.ctl")
proc_name = "xingzhu-crm"
# X-Forwarded-* headers are interpreted by the application (PROXY_COUNT), not by gunicorn.
forwarded_allow_ips = "127.0.0.1"



def post_worker_init(worker):
    """Each worker offers to run the recurring schedule; the database lease lets only one of them do it."""
    from app.scheduler import start_in_process

    start_in_process(worker.wsgi)


def worker_exit(server, worker):
    from app.scheduler import stop_in_process

    stop_in_process()
