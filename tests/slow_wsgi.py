"""The real application with every response body slowed down, line by line: a stand-in, for the
gunicorn tests, for an export that takes longer than the worker timeout (a million rows, a slow
client). Line by line, not chunk by chunk, because the PostgreSQL export streams COPY's output in
batches of about 64 KB, a single chunk for the test's few rows. Test machinery only; production
serves ilo_plan.wsgi."""

import os
import time

from ilo_plan.wsgi import application as real_application

SECONDS_PER_CHUNK = float(os.environ.get("SLOW_CHUNK_SECONDS", "0.1"))


def application(environ, start_response):
    body = real_application(environ, start_response)

    def slowly():
        try:
            for chunk in body:
                for line in chunk.splitlines(keepends=True) or [chunk]:
                    time.sleep(SECONDS_PER_CHUNK)
                    yield line
        finally:
            if hasattr(body, "close"):
                body.close()

    return slowly()
