"""AMI client over panoramisk with supervision panoramisk lacks.

Works around panoramisk 1.4: our own reconnect loop with backoff (its fixed-delay reconnect is
disabled), a watchdog that checks Ping replies and drops a dead connection, event callbacks that
never raise into ``data_received`` (a raising callback would drop the connection), Originate
always sent with ``Async: true``, and ``QueueAdd``-style actions sent with ``as_list=False``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from panoramisk import Manager
from panoramisk.ami_protocol import AMIProtocol

from callcenter.ami.callvars import CallVars
from callcenter.ami.events import AsteriskBooted, DomainEvent, to_domain_event
from callcenter.ami.values import check_key, check_value
from callcenter.errors import DomainError, Unavailable
from callcenter.tasks import cancel_and_wait

log = logging.getLogger(__name__)

EventHandler = Callable[[DomainEvent], Awaitable[None]]
RawHandler = Callable[[Mapping[str, str]], None]
StateHandler = Callable[[bool], None]

# Actions whose single reply panoramisk mistakes for the start of a list.
_SINGLE_REPLY = frozenset(
    {
        "queueadd",
        "queueremove",
        "queuepause",
        "setvar",
        "dialplanextensionadd",
        "dialplanextensionremove",
    }
)
_LIST_ACTIONS = frozenset(
    {"coreshowchannels", "queuestatus", "pjsipshowcontacts", "pjsipshowendpoints", "queuesummary"}
)


class AmiError(DomainError):
    """Asterisk refused an action."""

    slug = "ami-error"


class _SupervisedManager(Manager):  # type: ignore[misc]
    """panoramisk's Manager with its own reconnect scheduling switched off."""

    def __init__(self, lost: asyncio.Event, **config: Any) -> None:
        super().__init__(**config)
        self._lost = lost

    def connection_lost(self, exc: BaseException | None) -> None:
        self._connected = False
        pinger: Any = getattr(self, "pinger", None)
        if pinger is not None:
            pinger.cancel()
        self._lost.set()


class AmiClient:
    """One supervised AMI connection: actions, typed events, and a ready hook for re-sync."""

    def __init__(
        self,
        host: str,
        port: int,
        username: str,
        secret: str,
        *,
        ping_interval: float = 2.0,
        ping_timeout: float = 2.0,
        max_backoff: float = 5.0,
    ) -> None:
        self._host, self._port = host, port
        self._config: dict[str, Any] = {
            "host": host,
            "port": port,
            "username": username,
            "secret": secret,
        }
        self._ping_interval = ping_interval
        self._ping_timeout = ping_timeout
        self._max_backoff = max_backoff
        self._handlers: list[EventHandler] = []
        self._raw_handlers: list[RawHandler] = []
        self._state_handlers: list[StateHandler] = []
        self._manager: _SupervisedManager | None = None
        self._ready = asyncio.Event()
        self._lost = asyncio.Event()  # of the current connection
        self._queue: asyncio.Queue[Mapping[str, str]] = asyncio.Queue()
        self._tasks: set[asyncio.Task[None]] = set()
        self._call_vars = CallVars()  # outlives reconnects: the calls go on
        self.connects = 0

    # ------------------------------------------------------------------ lifecycle
    async def start(self) -> None:
        """Start connecting in the background; ``wait_ready`` waits for the first login."""
        self._spawn(self._supervise(), "ami-supervisor")
        self._spawn(self._dispatch(), "ami-dispatch")

    async def stop(self) -> None:
        """Close the connection and cancel every task this client started."""
        await cancel_and_wait(list(self._tasks))
        if self._manager is not None:
            self._manager.close()

    def _spawn(self, coro: Awaitable[None], name: str) -> None:
        task = asyncio.ensure_future(coro)
        task.set_name(name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    @property
    def backlog(self) -> int:
        """Events read and not yet dispatched to the typed handlers."""
        return self._queue.qsize()

    @property
    def connected(self) -> bool:
        """Logged in and answering pings."""
        return self._ready.is_set()

    async def wait_ready(self, timeout: float = 10.0) -> None:
        """Wait until logged in; raise Unavailable after ``timeout`` seconds."""
        try:
            await asyncio.wait_for(self._ready.wait(), timeout)
        except TimeoutError as exc:
            raise Unavailable("Asterisk manager interface is not reachable") from exc

    def on_event(self, handler: EventHandler) -> None:
        """Receive typed domain events, in order, from the dispatch task."""
        self._handlers.append(handler)

    def on_raw(self, handler: RawHandler) -> None:
        """Receive every raw AMI event (synchronously; must be quick and must not raise)."""
        self._raw_handlers.append(handler)

    def on_connection(self, handler: StateHandler) -> None:
        """Be told (synchronously) when the connection is up (True) and when it is lost."""
        self._state_handlers.append(handler)

    def _tell(self, up: bool) -> None:
        for handler in self._state_handlers:
            try:
                handler(up)
            except Exception:
                log.exception("AMI connection handler failed")

    # ------------------------------------------------------------------ connection
    async def _supervise(self) -> None:
        backoff = 0.2
        while True:
            lost = asyncio.Event()
            try:
                manager = await self._connect(lost)
            except (OSError, TimeoutError, AmiError) as exc:
                log.warning("AMI connect failed: %s; retrying in %.1fs", exc, backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, self._max_backoff)
                continue
            backoff = 0.2
            self._manager = manager
            self._lost = lost
            self.connects += 1
            self._ready.set()
            self._tell(True)
            watchdog = asyncio.ensure_future(self._watchdog(manager, lost))
            try:
                await lost.wait()
            finally:
                self._ready.clear()
                self._tell(False)
                await cancel_and_wait([watchdog])
                manager.close()
            log.warning("AMI connection lost; reconnecting")

    async def _connect(self, lost: asyncio.Event) -> _SupervisedManager:
        loop = asyncio.get_running_loop()
        manager = _SupervisedManager(
            lost, loop=loop, ping_delay=86_400, ping_interval=86_400, **self._config
        )
        manager.register_event("*", self._on_message)
        transport, protocol = await asyncio.wait_for(
            loop.create_connection(AMIProtocol, self._host, self._port), 2 * self._ping_timeout
        )
        done: asyncio.Future[tuple[Any, Any]] = loop.create_future()
        done.set_result((transport, protocol))
        manager.connection_made(done)
        login = manager.authenticated_future
        reply = await asyncio.wait_for(asyncio.shield(login), 2 * self._ping_timeout)
        if not reply.success:
            manager.close()
            raise AmiError("AMI login refused", reason=str(reply.get("Message", "")))
        return manager

    async def _watchdog(self, manager: _SupervisedManager, lost: asyncio.Event) -> None:
        # panoramisk's own ping never reads the reply: a silent peer would look alive forever.
        while not lost.is_set():
            await asyncio.sleep(self._ping_interval)
            try:
                reply = await asyncio.wait_for(
                    asyncio.shield(manager.send_action({"Action": "Ping"})), self._ping_timeout
                )
                if not reply.success:
                    raise TimeoutError
            except (TimeoutError, OSError):
                log.warning("AMI ping unanswered; dropping the connection")
                if manager.protocol is not None and manager.protocol.transport is not None:
                    manager.protocol.transport.abort()
                lost.set()
                return

    def _on_message(self, _manager: Any, message: Any) -> None:
        # Runs inside panoramisk's data_received: it must never raise.
        try:
            # A repeated header (ChanVariable with channelvars) arrives as a list: one per line.
            fields = {
                str(k): "\n".join(map(str, v)) if isinstance(v, list) else str(v)
                for k, v in dict(message).items()
            }
            self._call_vars.feed(fields)
            if fields.get("Event") == "Shutdown":
                self._ready.clear()
            for raw in self._raw_handlers:
                raw(fields)
            self._queue.put_nowait(fields)
        except Exception:
            log.exception("AMI event callback failed")

    async def _dispatch(self) -> None:
        while True:
            fields = await self._queue.get()
            event = to_domain_event(fields)
            if event is None:
                continue
            if isinstance(event, AsteriskBooted):
                # FullyBooted comes in the same read as the login reply: let the supervisor
                # mark the connection ready before the re-sync handlers send their actions.
                await self._ready.wait()
            for handler in self._handlers:
                try:
                    await handler(event)
                except Exception:
                    log.exception("handler for %s failed", type(event).__name__)

    # ------------------------------------------------------------------ actions
    async def action(self, name: str, timeout: float = 10.0, **fields: object) -> dict[str, str]:
        """Send one action whose reply is a single message; raise AmiError on ``Error``."""
        reply = await self._send(name, fields, as_list=False, timeout=timeout)
        return _as_dict(reply)

    async def action_list(
        self, name: str, timeout: float = 15.0, **fields: object
    ) -> list[dict[str, str]]:
        """Send an action answered by an event list; return the list's events."""
        replies = await self._send(name, fields, as_list=True, timeout=timeout)
        items = replies if isinstance(replies, list) else [replies]
        return [
            _as_dict(m)
            for m in items[1:]
            if "Event" in m and not str(m.get("Event", "")).endswith("Complete")
        ]

    async def originate(self, timeout: float = 30.0, **fields: object) -> dict[str, str]:
        """Originate asynchronously and wait for its OriginateResponse."""
        fields = {**fields, "Async": "true"}
        replies = await self._send("Originate", fields, as_list=None, timeout=timeout)
        items = replies if isinstance(replies, list) else [replies]
        final = _as_dict(items[-1])
        if final.get("Response") != "Success":
            raise AmiError(
                "originate failed",
                reason=final.get("Reason", ""),
                ami_message=final.get("Message", ""),
            )
        return final

    async def _send(
        self, name: str, fields: Mapping[str, object], *, as_list: bool | None, timeout: float
    ) -> Any:
        action: dict[str, Any] = {"Action": check_value(check_key(name) and name)}
        for key, value in fields.items():
            check_key(key)
            if isinstance(value, (list, tuple)):
                action[key] = [check_value(v, field=f"ami.{key}") for v in value]
            else:
                action[key] = check_value(value, field=f"ami.{key}")
        if not self._ready.is_set() or self._manager is None:
            raise Unavailable("Asterisk manager interface is not connected")
        lowered = name.lower()
        if lowered in _SINGLE_REPLY:
            as_list = False
        elif lowered in _LIST_ACTIONS:
            as_list = True
        lost = self._lost
        future = self._manager.send_action(action, as_list=as_list)
        # A reply can never come over a connection that is gone: fail at once rather than
        # after the timeout, so a re-sync in progress gives way to the one after reconnect.
        lost_wait = asyncio.ensure_future(lost.wait())
        try:
            await asyncio.wait(
                {future, lost_wait}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED
            )
        finally:
            lost_wait.cancel()
        if not future.done():
            if lost.is_set():
                raise Unavailable(f"AMI connection lost while waiting for {name}")
            raise Unavailable(f"Asterisk did not answer {name}")
        reply = future.result()
        first = reply[0] if isinstance(reply, list) else reply
        if str(first.get("Response", "")) == "Error":
            raise AmiError(f"Asterisk refused {name}", ami_message=str(first.get("Message", "")))
        return reply


def _as_dict(message: Any) -> dict[str, str]:
    return {str(k): str(v) for k, v in dict(message).items()}


__all__ = ["AmiClient", "AmiError", "AsteriskBooted"]
