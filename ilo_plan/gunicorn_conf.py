"""gunicorn's settings for `make serve`, from the environment (`gunicorn -c python:ilo_plan.gunicorn_conf`).

Threaded workers (gthread): the worker's main loop keeps telling the arbiter it is alive while a
thread streams a long CSV export, so `timeout` never cuts a download however long it takes; it only
restarts a worker whose main loop is stuck. A sync worker, by contrast, is silent while it serves a
request and would be killed mid-export after `timeout` seconds."""

import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
# On a restart (deploy, SIGHUP) a worker finishes the downloads it is serving for this long.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "300"))
# gunicorn 27 otherwise opens one control socket shared by every instance of the same user.
control_socket_disable = True
accesslog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
