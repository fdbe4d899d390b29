"""Locust load for the query HTTP API (bench/queries.sh drives it).

Env: QUERY_URL (http://HOST:PORT of query.http-listen), QUERY_TOKEN (admin.token), GRAPH (the
resident graph), VERTICES (ids 0..VERTICES-1), CHOICE (uniform | zipf), ZIPF_S (1.1), K (2),
RATE (queries/s over all users), SEED (1), LOCUST_USER (fast: FastHttpUser, geventhttpclient with
keep-alive connections, several times cheaper per request than requests; requests: HttpUser).

Each user sends k-hop count queries (limit 0) at RATE/users per second; the start vertex is
drawn uniformly, or by a Zipf law over the vertices in a seeded random order (so the hot
vertices spread over partitions rather than sitting at the lowest ids).
"""
import bisect
import os
import random

from locust import FastHttpUser, HttpUser, constant_throughput, task

GRAPH = os.environ.get("GRAPH", "bench")
VERTICES = int(os.environ.get("VERTICES", "1048576"))
CHOICE = os.environ.get("CHOICE", "uniform")
ZIPF_S = float(os.environ.get("ZIPF_S", "1.1"))
K = int(os.environ.get("K", "2"))
RATE = float(os.environ.get("RATE", "100"))
USERS = int(os.environ.get("USERS", "50"))
TOKEN = os.environ.get("QUERY_TOKEN", "")
SEED = int(os.environ.get("SEED", "1"))
LOCUST_USER = os.environ.get("LOCUST_USER", "fast")
if LOCUST_USER not in ("fast", "requests"):
    raise SystemExit(f"LOCUST_USER={LOCUST_USER}: use fast or requests")

_rng = random.Random(SEED)
_order = None
_cumulative = None
if CHOICE == "zipf":
    _order = list(range(VERTICES))
    _rng.shuffle(_order)
    total = 0.0
    _cumulative = []
    for rank in range(1, VERTICES + 1):
        total += 1.0 / rank ** ZIPF_S
        _cumulative.append(total)


def start_vertex(rng):
    if _cumulative is None:
        return rng.randrange(VERTICES)
    return _order[bisect.bisect_left(_cumulative, rng.random() * _cumulative[-1])]


class QueryUser(FastHttpUser if LOCUST_USER == "fast" else HttpUser):
    wait_time = constant_throughput(RATE / USERS)

    def on_start(self):
        self.rng = random.Random(_rng.random())
        self.headers = {"Authorization": "Bearer " + TOKEN} if TOKEN else {}

    @task
    def khop(self):
        v = start_vertex(self.rng)
        with self.client.get(f"/api/query/khop?graph={GRAPH}&vertex={v}&k={K}&direction=out",
                             headers=self.headers, name=f"khop{K}", catch_response=True) as r:
            # A vertex absent from the graph (RMAT leaves some ids without edges or lines) is a 404 answer.
            if r.status_code in (200, 404):
                r.success()
            else:
                r.failure(f"{r.status_code} {r.text[:120]}")
