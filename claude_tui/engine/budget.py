"""The live-process budget: at most ``max_live`` CLI processes at once.

Why: each Claude Code CLI holds about 200 MB. A worker takes a slot before it
starts connecting and gives it back only after its process is gone, so
connecting processes count and the cap is never exceeded. When no slot is
free, the least recently used *idle* holder (connected, no turn, nothing
pending) is asked to disconnect; when no holder is idle the request waits in
line. Sends (``urgent``) are served before background connects (opening a
session, reconnects with nothing to send).

All of this is plain synchronous bookkeeping on the event loop thread: a grant
or an eviction request is delivered by calling the member, which posts it to
its own command queue, so the budget never waits on anything.
"""

from __future__ import annotations

from collections import deque
from typing import Protocol


class BudgetMember(Protocol):
    @property
    def evictable(self) -> bool: ...

    @property
    def last_used(self) -> float: ...

    def slot_granted(self) -> None: ...

    def evict_requested(self) -> None: ...


class LiveBudget:
    """Counts live CLI processes; ``max_live`` 0 means no limit."""

    def __init__(self, max_live: int) -> None:
        self.max_live = max_live
        self._holders: set[BudgetMember] = set()
        self._urgent: deque[BudgetMember] = deque()
        self._background: deque[BudgetMember] = deque()
        self._evicting: set[BudgetMember] = set()
        self.peak_live = 0

    # -- inspection --------------------------------------------------------------

    @property
    def live(self) -> int:
        return len(self._holders)

    def holds(self, member: BudgetMember) -> bool:
        return member in self._holders

    def waiting(self, member: BudgetMember) -> bool:
        return member in self._urgent or member in self._background

    @property
    def waiters(self) -> int:
        return len(self._urgent) + len(self._background)

    # -- requests ----------------------------------------------------------------

    def _free(self) -> bool:
        return self.max_live <= 0 or len(self._holders) < self.max_live

    def _grant(self, member: BudgetMember) -> None:
        self._holders.add(member)
        self.peak_live = max(self.peak_live, len(self._holders))

    def request(self, member: BudgetMember, *, urgent: bool) -> bool:
        """Take a slot now (True) or join the line (False; ``slot_granted`` follows).

        Asking again while waiting may upgrade a background request to urgent.
        """
        if member in self._holders:
            return True
        if self.waiting(member):
            # Already in line: the grant arrives through ``slot_granted``.
            if urgent and member in self._background:
                self._background.remove(member)
                self._urgent.append(member)
            self._pump()
            return False
        if self._free() and not self._urgent and (urgent or not self._background):
            self._grant(member)
            return True
        (self._urgent if urgent else self._background).append(member)
        self._pump()
        return False

    def cancel(self, member: BudgetMember) -> None:
        """Leave the line (the member no longer needs a slot)."""
        for line in (self._urgent, self._background):
            if member in line:
                line.remove(member)
        self._pump()

    def release(self, member: BudgetMember) -> None:
        """The member's process is gone: its slot goes to the next in line."""
        self._holders.discard(member)
        self._evicting.discard(member)
        self._pump()

    def declined(self, member: BudgetMember) -> None:
        """An eviction was refused (the member got busy); look for another."""
        self._evicting.discard(member)
        self._pump()

    def poke(self) -> None:
        """A holder may have become idle: waiters may evict it now."""
        self._pump()

    # -- the line ------------------------------------------------------------------

    def _next_waiter(self) -> BudgetMember | None:
        if self._urgent:
            return self._urgent.popleft()
        if self._background:
            return self._background.popleft()
        return None

    def _pump(self) -> None:
        while self.waiters and self._free():
            member = self._next_waiter()
            if member is None:
                break
            self._grant(member)
            member.slot_granted()
        shortfall = self.waiters - len(self._evicting)
        while shortfall > 0:
            candidates = [
                h for h in self._holders if h not in self._evicting and h.evictable
            ]
            if not candidates:
                break
            victim = min(candidates, key=lambda h: h.last_used)
            self._evicting.add(victim)
            shortfall -= 1
            victim.evict_requested()
