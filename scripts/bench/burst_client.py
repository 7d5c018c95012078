"""The burst bench's sender, in a process of its own: each request of a JSON file at its time.

Run by burst_bench.py, not by hand. httpx in the bench's own process used a whole core for about 215
requests a second, so it, not the API, set the "achieved" rate; geventhttpclient (Locust's client) sends
over a thousand a second from one core. Reads {"base", "rate", "connections", "requests": [[uid, path,
body], ...]} from the file named by the first argument and prints the result as JSON: each request's
latency from its due time, the statuses, and what went wrong when no answer came.
"""

from gevent import monkey

monkey.patch_all()

import json  # noqa: E402  (after the monkey patching, as gevent requires)
import sys  # noqa: E402
import time  # noqa: E402
from typing import Any  # noqa: E402
from urllib.parse import urlsplit  # noqa: E402

import gevent  # noqa: E402
from gevent.pool import Pool  # noqa: E402
from geventhttpclient import HTTPClient  # noqa: E402


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__)
        return 0
    with open(argv[0], encoding="utf-8") as source:
        plan: dict[str, Any] = json.load(source)
    address = urlsplit(plan["base"])
    connections = int(plan["connections"])
    client = HTTPClient(
        address.hostname or "127.0.0.1", address.port, concurrency=connections, network_timeout=120
    )
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    failures: dict[str, int] = {}
    pool = Pool(connections)  # at most one request per connection in flight
    began = time.perf_counter()

    def one(due: float, uid: str, path: str, body: Any) -> None:
        headers = {"X-Bench-Uid": uid, "Content-Type": "application/json"}
        try:
            response = client.post(path, body=json.dumps(body).encode(), headers=headers)
            response.read()
            status = response.status_code
        except Exception as error:
            status = 0
            failures[repr(error)] = failures.get(repr(error), 0) + 1
        latencies.append(time.perf_counter() - due)  # from when the person tapped: waiting counts too
        statuses[status] = statuses.get(status, 0) + 1

    for index, (uid, path, body) in enumerate(plan["requests"]):
        due = began + index / float(plan["rate"])
        gevent.sleep(max(0.0, due - time.perf_counter()))
        pool.spawn(one, due, uid, path, body)
    pool.join()
    elapsed = time.perf_counter() - began
    client.close()
    result = {"latencies": latencies, "statuses": statuses, "failures": failures, "seconds": elapsed}
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
