"""E-mail through an SMTP server (STARTTLS or implicit TLS, optional login): one message per event.

A 4xx reply (greylisting, a full queue) and a dropped connection are retried; a 5xx reply (a bad
recipient, authentication refused) is not. The password never appears in a reason.

smtplib's timeout is per socket operation: a server that trickles its replies (a byte every few seconds) never
trips it. The whole attempt — connect, greeting, TLS handshake, login, message — has the same bound as the HTTP
notifiers' whole exchange, `timeout_seconds` (ADR 0682): at the deadline `_AttemptDeadline` shuts the connection
down, the blocked read returns, and the send fails, retriable, "no complete exchange within N s". It shuts it
through a duplicate of the connection's socket, taken as soon as connect() made it: what smtplib holds changes
(a TLS socket after STARTTLS) and is detached or not yet held while ssl does a handshake, the connection does not
(ADR 0695).
"""

from __future__ import annotations

import contextlib
import re
import smtplib
import socket
import ssl
import threading
from email.message import EmailMessage
from email.utils import formatdate

from tfreview.ops.notify.message import Notification, NotifyFailure

MESSAGE_ID_DOMAIN = "tfreview.invalid"  # RFC 2606: never a real host; the ids are ours, not a mail domain's
_ID_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")
_SOCKET_POLL_SECONDS = 0.05  # past the deadline, how often the timer looks for the socket connect() is making


class SmtpNotifier:
    name = "email"  # the notifier label of tfreview_notifier_failures_total

    def __init__(
        self,
        host: str,
        port: int,
        *,
        sender: str,
        recipients: tuple[str, ...],
        channels: frozenset[str],
        levels: frozenset[int],
        security: str = "starttls",  # starttls | tls | none
        username: str | None = None,
        password: str | None = None,
        timeout_seconds: float = 10.0,
    ) -> None:
        self._host = host
        self._port = port
        self._sender = sender
        self._recipients = recipients
        self._security = security
        self._username = username
        self._password = password
        self._timeout = timeout_seconds
        self.channels = channels
        self.levels = levels

    def message(self, notification: Notification) -> EmailMessage:
        message = EmailMessage()
        message["Subject"] = notification.title[:200]
        message["From"] = self._sender
        message["To"] = ", ".join(self._recipients)
        message["Date"] = formatdate(localtime=False)
        # a resend is the same message (mail clients and archives drop the duplicate): the Message-ID is
        # the notification's key; the opening trigger's is the incident's and every later event replies to it,
        # so a mail client shows one thread per incident (ADR 0260)
        thread = message_id(notification.dedup_key)
        if notification.opening:
            message["Message-ID"] = thread
        else:
            message["Message-ID"] = message_id(notification.key)
            message["In-Reply-To"] = thread
            message["References"] = thread
        message["X-Tfreview-Incident"] = str(notification.incident_id)
        message.set_content(notification.text())
        return message

    def send(self, notification: Notification) -> None:
        message = self.message(notification)
        deadline = _AttemptDeadline(self._timeout)
        try:
            with deadline, self._connect(deadline) as server:
                if self._security == "starttls":
                    server.starttls(context=ssl.create_default_context())
                if self._username and self._password is not None:
                    _login(server, self._username, self._password)
                refused = server.send_message(message, from_addr=self._sender, to_addrs=list(self._recipients))
        except (smtplib.SMTPException, OSError) as exc:
            if deadline.expired:  # whatever the cut connection raised: the deadline is the reason
                raise NotifyFailure(f"smtp: no complete exchange within {self._timeout:g} s", retriable=True) from None
            raise _failure(exc) from None
        if refused:
            raise NotifyFailure(f"smtp: {len(refused)} recipient(s) refused", retriable=False)

    def _connect(self, deadline: _AttemptDeadline) -> smtplib.SMTP:
        if self._security == "tls":
            context = ssl.create_default_context()
            return _WatchedSmtpSsl(deadline, self._host, self._port, timeout=self._timeout, context=context)
        return _WatchedSmtp(deadline, self._host, self._port, timeout=self._timeout)


class _WatchedSmtp(smtplib.SMTP):
    """smtplib's client, its connection watched by `deadline` from the moment connect() makes it: the greeting is
    read inside __init__, and SMTP_SSL's handshake right after this class's `_get_socket` returns."""

    def __init__(self, deadline: _AttemptDeadline, host: str, port: int, *, timeout: float) -> None:
        self._deadline = deadline
        super().__init__(host, port, timeout=timeout)

    def _get_socket(self, host: str, port: int, timeout: float) -> socket.socket:
        # smtplib's own hook (connect() calls it, SMTP_SSL overrides it), not in typeshed's stubs
        connection: socket.socket = super()._get_socket(host, port, timeout)  # type: ignore[misc]
        self._deadline.watch(connection)
        return connection


class _WatchedSmtpSsl(smtplib.SMTP_SSL, _WatchedSmtp):
    """SMTP_SSL's `_get_socket` wraps what `_WatchedSmtp._get_socket` (next in line) returns, watched already."""

    def __init__(
        self, deadline: _AttemptDeadline, host: str, port: int, *, timeout: float, context: ssl.SSLContext
    ) -> None:
        self._deadline = deadline
        smtplib.SMTP_SSL.__init__(self, host, port, timeout=timeout, context=context)


def _failure(exc: smtplib.SMTPException | OSError) -> NotifyFailure:
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return NotifyFailure(f"smtp: authentication refused ({exc.smtp_code})", retriable=False)
    if isinstance(exc, smtplib.SMTPResponseException):
        code = int(exc.smtp_code)
        return NotifyFailure(f"smtp: server answered {code}", retriable=400 <= code < 500)
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = sorted({code for code, _ in exc.recipients.values()})
        return NotifyFailure(f"smtp: every recipient refused ({codes})", retriable=all(c < 500 for c in codes))
    return NotifyFailure(f"smtp: {type(exc).__name__}", retriable=True)  # refused, reset, timeout, TLS failure


class _AttemptDeadline:
    """Cuts an SMTP exchange that outlasts `seconds`: a timer shuts the watched connection down, so a read or write
    blocked on it — a reply, a TLS handshake — returns at once; while connect() has not made it yet, the timer
    waits for it. Leaving the `with` cancels it.

    The connection is shut through a duplicate of its socket (`socket.dup`, its own file descriptor, closed on
    leaving): the socket object smtplib holds is replaced by ssl's at STARTTLS, detached while the handshake runs,
    and not held at all during SMTP_SSL's — shutting what was held then did nothing, and the deadline cut nothing
    afterwards. A shutdown acts on the connection, whichever descriptor names it; the duplicate's number is ours
    until the attempt ends, so it cannot name another file when the timer fires."""

    def __init__(self, seconds: float) -> None:
        self.expired = False
        self._connection: socket.socket | None = None
        self._done = threading.Event()
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def watch(self, connection: socket.socket) -> None:
        """Watch `connection`, the plain socket connect() made, before anything is read or written on it."""
        duplicate = connection.dup()
        with self._lock:
            if self._done.is_set():  # the attempt already ended
                duplicate.close()
                return
            if self._connection is not None:
                self._connection.close()
            self._connection = duplicate

    def _expire(self) -> None:
        self.expired = True
        while True:
            with self._lock:
                if self._done.is_set():
                    return
                if self._connection is not None:
                    with contextlib.suppress(OSError):  # the peer closed it already
                        self._connection.shutdown(socket.SHUT_RDWR)
                    return
            self._done.wait(_SOCKET_POLL_SECONDS)  # connect() still resolving or connecting: its own timeout runs

    def __enter__(self) -> _AttemptDeadline:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        with self._lock:  # no shutdown after this: the duplicate is closed
            self._done.set()
            self._timer.cancel()
            if self._connection is not None:
                self._connection.close()
                self._connection = None


def message_id(key: str) -> str:
    return f"<{_ID_UNSAFE.sub('-', key)}@{MESSAGE_ID_DOMAIN}>"


def _login(server: smtplib.SMTP, username: str, password: str) -> None:
    """AUTH PLAIN when offered (one round trip, one clear failure), else smtplib's own choice."""
    server.ehlo_or_helo_if_needed()
    offered = server.esmtp_features.get("auth", "").upper().split()
    if "PLAIN" in offered:
        server.user, server.password = username, password
        server.auth("PLAIN", server.auth_plain)
    else:
        server.login(username, password)
