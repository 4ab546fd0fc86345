"""Run one function from several threads at once, each on its own database connection."""

import threading
from collections.abc import Callable

from django.db import connections


def run_concurrently(fn: Callable[[], object], count: int) -> tuple[list, list[BaseException]]:
    """Start `count` threads together (a barrier), each calling `fn` once.

    Returns what the calls returned and the exceptions they raised; every thread closes its
    own connections, so the test database can be dropped afterwards.
    """
    barrier = threading.Barrier(count)
    results, errors, lock = [], [], threading.Lock()

    def worker():
        try:
            barrier.wait()
            value = fn()
            with lock:
                results.append(value)
        except BaseException as error:  # reported to the caller, which asserts on it
            with lock:
                errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors
