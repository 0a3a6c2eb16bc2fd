"""A pybreaker circuit breaker per source whose state lives in Django's cache (Redis in production,
a file cache in the embedded default), so web, worker and beat processes share it."""

from __future__ import annotations

from datetime import datetime

import pybreaker
from django.conf import settings
from django.core.cache import cache

_TTL = 7 * 24 * 3600


class CacheCircuitStorage(pybreaker.CircuitBreakerStorage):
    """``pybreaker.CircuitBreakerStorage`` on ``django.core.cache`` (keys ``planning:breaker:<name>:*``)."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.prefix = f"planning:breaker:{name}"

    def _key(self, part: str) -> str:
        return f"{self.prefix}:{part}"

    @property
    def state(self) -> str:
        return cache.get(self._key("state"), pybreaker.STATE_CLOSED)

    @state.setter
    def state(self, state: str) -> None:
        cache.set(self._key("state"), str(state), _TTL)

    def _incr(self, part: str) -> None:
        key = self._key(part)
        cache.add(key, 0, _TTL)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, _TTL)

    def increment_counter(self) -> None:
        self._incr("fail_counter")

    def reset_counter(self) -> None:
        cache.set(self._key("fail_counter"), 0, _TTL)

    def increment_success_counter(self) -> None:
        self._incr("success_counter")

    def reset_success_counter(self) -> None:
        cache.set(self._key("success_counter"), 0, _TTL)

    @property
    def counter(self) -> int:
        return int(cache.get(self._key("fail_counter"), 0))

    @property
    def success_counter(self) -> int:
        return int(cache.get(self._key("success_counter"), 0))

    @property
    def opened_at(self) -> datetime | None:
        return cache.get(self._key("opened_at"))

    @opened_at.setter
    def opened_at(self, value: datetime) -> None:
        cache.set(self._key("opened_at"), value, _TTL)


def breaker_for(name: str) -> pybreaker.CircuitBreaker:
    """The circuit breaker of a source: opens after ``PLANNING_BREAKER_FAIL_MAX`` failed batches in a row,
    lets one probe through after ``PLANNING_BREAKER_RESET_SECONDS``, closes on its success."""
    return pybreaker.CircuitBreaker(
        fail_max=settings.PLANNING_BREAKER_FAIL_MAX,
        reset_timeout=settings.PLANNING_BREAKER_RESET_SECONDS,
        state_storage=CacheCircuitStorage(name),
        name=name,
        throw_new_error_on_trip=False,
    )


def breaker_state(name: str) -> str:
    """``closed``, ``open`` or ``half-open`` (as stored; an open circuit past its timeout shows ``open``)."""
    return CacheCircuitStorage(name).state


def breaker_reset(name: str) -> None:
    storage = CacheCircuitStorage(name)
    storage.state = pybreaker.STATE_CLOSED
    storage.reset_counter()
    storage.reset_success_counter()
