"""E-mail through an SMTP server (STARTTLS or implicit TLS, optional login): one message per event.

A 4xx reply (greylisting, a full queue) and a dropped connection are retried; a 5xx reply (a bad
recipient, authentication refused) is not. The password never appears in a reason.
"""

from __future__ import annotations

import re
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate

from tfreview.ops.notify.message import Notification, NotifyFailure

MESSAGE_ID_DOMAIN = "tfreview.invalid"  # RFC 2606: never a real host; the ids are ours, not a mail domain's
_ID_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


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
        try:
            with self._connect() as server:
                if self._security == "starttls":
                    server.starttls(context=ssl.create_default_context())
                if self._username and self._password is not None:
                    _login(server, self._username, self._password)
                refused = server.send_message(message, from_addr=self._sender, to_addrs=list(self._recipients))
        except smtplib.SMTPAuthenticationError as exc:
            raise NotifyFailure(f"smtp: authentication refused ({exc.smtp_code})", retriable=False) from None
        except smtplib.SMTPResponseException as exc:
            code = int(exc.smtp_code)
            raise NotifyFailure(f"smtp: server answered {code}", retriable=400 <= code < 500) from None
        except smtplib.SMTPRecipientsRefused as exc:
            codes = sorted({code for code, _ in exc.recipients.values()})
            raise NotifyFailure(
                f"smtp: every recipient refused ({codes})", retriable=all(c < 500 for c in codes)
            ) from None
        except (smtplib.SMTPException, OSError) as exc:  # refused, reset, timeout, TLS failure
            raise NotifyFailure(f"smtp: {type(exc).__name__}", retriable=True) from None
        if refused:
            raise NotifyFailure(f"smtp: {len(refused)} recipient(s) refused", retriable=False)

    def _connect(self) -> smtplib.SMTP:
        if self._security == "tls":
            return smtplib.SMTP_SSL(self._host, self._port, timeout=self._timeout, context=ssl.create_default_context())
        return smtplib.SMTP(self._host, self._port, timeout=self._timeout)


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
