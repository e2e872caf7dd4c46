"""The real application with every response body slowed down, chunk by chunk: a stand-in, for the
gunicorn tests, for an export that takes longer than the worker timeout (a million rows, a slow
client). Test machinery only; production serves ilo_plan.wsgi."""

import os
import time

from ilo_plan.wsgi import application as real_application

SECONDS_PER_CHUNK = float(os.environ.get("SLOW_CHUNK_SECONDS", "0.1"))


def application(environ, start_response):
    body = real_application(environ, start_response)

    def slowly():
        try:
            for chunk in body:
                time.sleep(SECONDS_PER_CHUNK)
                yield chunk
        finally:
            if hasattr(body, "close"):
                body.close()

    return slowly()
