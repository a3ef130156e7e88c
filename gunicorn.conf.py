"""gunicorn settings for diary: ``gunicorn -c gunicorn.conf.py wsgi:app`` (docs/deploy.md).

Sync workers, one per core: each request is short (a save is a few milliseconds) and SQLite
has one writer at a time, so more workers than cores only queue; measured in
docs/benchmarks.md. The app is loaded once in the master (preload): the migrations run
once there, and workers start from it.
"""

import multiprocessing
import os

from gunicorn import glogging

from diary import tokens

bind = os.environ.get("DIARY_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("DIARY_WORKERS", multiprocessing.cpu_count()))
worker_class = "sync"
preload_app = True
# A 16 MB import of a whole diary is the longest request; nothing legitimate takes a minute.
timeout = 60
graceful_timeout = 30
keepalive = 5
# No control socket (gunicorn 25.1 and later open one for ``gunicornc``): its default path is
# one per user, so a second gunicorn on the machine (another site, a benchmark) would take it
# over and remove it on stopping. systemd starts, stops and reloads this one.
control_socket_disable = True
# Behind the TLS proxy on the same machine (see DIARY_PROXY_FIX in docs/deploy.md).
forwarded_allow_ips = "127.0.0.1"
# The access log to standard output (journald keeps it); DIARY_ACCESS_LOG="" turns it off.
accesslog = os.environ.get("DIARY_ACCESS_LOG", "-") or None
errorlog = "-"
# The access log names paths, never bodies or query strings of health data: a path with an
# entry's id is enough to trace a request.
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'


class Logger(glogging.Logger):
    """gunicorn's logger, with the secret of a view or reset link left out of every line
    (its path is its key: whoever reads the log must not be able to open the diary)."""

    # The access log's values that can hold a path: redacted where they are made, which
    # costs each request about a microsecond (filtering every value it could name, ten).
    PATHS = ("U", "r", "f", "{referer}i")

    def setup(self, cfg):
        super().setup(cfg)
        tokens.keep_out_of_logs(self.error_log)

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for name in self.PATHS:
            if isinstance(atoms.get(name), str):
                atoms[name] = tokens.redact(atoms[name])
        return atoms


logger_class = Logger
