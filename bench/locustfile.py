"""Load from one locust process; the bench runner sets, for each run:

- BENCH_PATH: the one URL requested, or BENCH_PATHS: a file of URLs (one a line), each request
  taking one at random, all counted under the name BENCH_NAME;
- BENCH_HOST_HEADER: the Host every request names (the site's public address, SITE_URL's host,
  which the worker renders pages ahead under), whatever server the process loads;
- BENCH_COUNTS: a file where the process writes, when it stops, how many answers said
  `X-Cache: hit`, `miss`, or nothing (`none`)."""

import json
import os
import random
from collections import Counter

from locust import FastHttpUser, constant, events, task

if os.environ.get("BENCH_PATHS"):
    with open(os.environ["BENCH_PATHS"], encoding="utf-8") as stream:
        PATHS = stream.read().split()
    NAME = os.environ.get("BENCH_NAME", "pages")
else:
    PATHS = [os.environ["BENCH_PATH"]]
    NAME = PATHS[0]
HEADERS = {"Host": os.environ["BENCH_HOST_HEADER"]} if os.environ.get("BENCH_HOST_HEADER") else {}
CACHE = Counter()


class Visitor(FastHttpUser):
    wait_time = constant(0)

    @task
    def visit(self):
        path = random.choice(PATHS)
        with self.client.get(path, name=NAME, headers=HEADERS, catch_response=True) as response:
            CACHE[response.headers.get("X-Cache") or "none"] += 1
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")


@events.quitting.add_listener
def write_counts(**kwargs):
    if os.environ.get("BENCH_COUNTS"):
        with open(os.environ["BENCH_COUNTS"], "w", encoding="utf-8") as stream:
            json.dump(dict(CACHE), stream)
