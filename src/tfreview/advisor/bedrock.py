"""The Amazon Bedrock adapter: the Converse API through boto3's `bedrock-runtime` client (botocore).

One `complete()` is one `converse` call and one HTTP request: botocore's own retries are off
(`total_max_attempts=1`), so the chain counts every attempt (L3). botocore signs the request and parses
the answer, but does not send it: its `before-send` event hands the signed request to `_DeadlineSender`,
which sends it through httpx on a `DeadlineTransport` (botocore's timeouts are per socket read: a
dribbling endpoint would hold the call for as long as it dribbles). So the call ends within its timeout
whole, or fails as botocore's own timeout error, the chain's retriable "timeout" (ADR 0508). The proxy
environment variables and the AWS CA bundle setting are honoured as botocore honours them; the answer is
read up to `MAX_ANSWER_BYTES`. Credentials are the default AWS chain
(role, environment, profile) or an `AwsCredentials` of `SecretSource`s that `reload_credentials`
re-reads (K3). botocore (installed with boto3, the `bedrock` extra) is imported only when a Bedrock
client is built; the client is the one `boto3.client` returns. botocore is kept off DEBUG: there it
logs bodies and every header. Every error is classified in `classify_error`.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from tfreview.advisor.model import Completion, Prompt, ProviderError
from tfreview.advisor.provider_http import ANSWER_FRAGMENT, Clock, shorten, token_count
from tfreview.core.errors import ConfigError
from tfreview.core.redact import scrub_text
from tfreview.plumbing.http import ResponseTooLarge, parse_retry_after, send_bounded
from tfreview.plumbing.secret_references import SecretSource

log = logging.getLogger(__name__)
# the timeout of the `complete()` running on this thread, read by the shared client's `_DeadlineSender`
_CALL_TIMEOUT: ContextVar[float | None] = ContextVar("tfreview_bedrock_call_timeout", default=None)
# botocore at DEBUG logs request and response bodies and every header, X-Amz-Security-Token included (S2)
BOTOCORE_QUIET_LEVEL = logging.INFO

PROVIDER = "bedrock"
DEFAULT_MAX_OUTPUT_CHARS = 200_000
MAX_ANSWER_BYTES = 4_000_000  # a Converse answer is its text (at most 200 000 characters, JSON-escaped) and usage

RETRIABLE_CODES = {
    "ThrottlingException": "throttled",
    "ServiceUnavailableException": "unavailable",
    "ModelNotReadyException": "unavailable",
    "ModelTimeoutException": "timeout",
    "InternalServerException": "unavailable",
    "InternalFailure": "unavailable",
    "ServiceUnavailable": "unavailable",
}
# what botocore's parser raises on a 200 (or an error answer) whose JSON does not have the service model's shape:
# `{"output": {"message": "x"}}` is an AttributeError, a list for a number a TypeError, 1e400 an OverflowError, bad
# base64 a binascii.Error (a ValueError), `[[[[…` a RecursionError — never a botocore exception
UNPARSABLE = (AttributeError, TypeError, ValueError, LookupError, ArithmeticError, RecursionError)
PERMANENT_CODES = {
    "ValidationException": "invalid_request",
    "ResourceNotFoundException": "invalid_request",
    "AccessDeniedException": "auth",
    "UnrecognizedClientException": "auth",
    "InvalidSignatureException": "auth",
    "ExpiredTokenException": "auth",
    "ExpiredToken": "auth",
    "IncompleteSignature": "auth",
    "MissingAuthenticationToken": "auth",
    "ServiceQuotaExceededException": "quota",
    "ModelErrorException": "other",  # the model failed on this input (424): the same input fails again
}


@dataclass(frozen=True, slots=True)
class AwsCredentials:
    """Static AWS credentials, each part read from an environment variable or a file."""

    access_key_id: SecretSource
    secret_access_key: SecretSource
    session_token: SecretSource | None = None

    def parts(self) -> tuple[SecretSource, ...]:
        return (self.access_key_id, self.secret_access_key) + ((self.session_token,) if self.session_token else ())


class BedrockClient:
    """One model (or inference profile) on Amazon Bedrock, called through Converse."""

    provider = PROVIDER

    def __init__(
        self,
        region: str,
        model_id: str,
        *,
        endpoint_url: str | None = None,
        credentials: AwsCredentials | None = None,
        profile: str | None = None,
        temperature: float | None = 0.0,
        max_output_chars: int = DEFAULT_MAX_OUTPUT_CHARS,
        clock: Clock = time.monotonic,
    ) -> None:
        quiet_botocore()
        self.model = model_id
        self._region = region
        self._endpoint_url = endpoint_url
        self._credentials = credentials
        self._profile = profile
        self._temperature = temperature
        self._max_output_chars = max_output_chars
        self._clock = clock
        self._lock = threading.Lock()
        self._session: Any = None
        self._sending: _SendingClient | None = None  # one for every call, whatever its timeout (ADR 0510)
        self._fingerprint = b""
        self._used = threading.local()  # the fingerprint of the credentials this thread's last call was signed with

    def __repr__(self) -> str:
        return f"BedrockClient(region={self._region!r}, model={self.model!r})"

    def close(self) -> None:
        with self._lock:
            sending, self._sending = self._sending, None
        if sending is not None:
            sending.close()

    def __enter__(self) -> BedrockClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def reload_credentials(self) -> bool:
        """Re-read the credentials (the SecretSources, or the default chain); True when the next call would be signed
        with credentials other than this thread's last call was: another review in flight may have reloaded them
        already (K3)."""
        used: bytes | None = getattr(self._used, "fingerprint", None)
        if self._credentials is not None:
            changed = [part.reload() for part in self._credentials.parts()]
            if not any(changed):
                with self._lock:
                    return used is not None and bool(self._fingerprint) and self._fingerprint != used
        from botocore.exceptions import BotoCoreError

        with self._lock:
            old_fingerprint = self._fingerprint
            try:
                self._new_session()
            except (ConfigError, BotoCoreError) as error:
                log.warning("bedrock credential reload failed: %s", type(error).__name__)
                return False
            fresh = self._fingerprint
            sending, self._sending = self._sending, None
        if sending is not None:  # the next call builds a client on the new session
            sending.close()
        return fresh != (used if used is not None else old_fingerprint)

    def complete(self, prompt: Prompt, *, timeout: float) -> Completion:
        from botocore.exceptions import BotoCoreError, ClientError

        started = self._clock()
        token = _CALL_TIMEOUT.set(timeout)  # the sender reads it on this thread, inside `converse`
        try:
            client = self._client(timeout)
            try:
                response = client.converse(**self.request(prompt))
            except (ClientError, BotoCoreError, ConfigError, ResponseTooLarge):
                raise  # classified below (a few botocore errors are ValueErrors too)
            except UNPARSABLE as error:  # botocore reads an answer of the wrong shape with what it meets there
                what = f"answer could not be parsed ({type(error).__name__})"
                raise ProviderError(PROVIDER, "malformed", what, retriable=False) from None
        except ConfigError as error:  # a credential source that cannot be read: this model fails, not the review
            raise ProviderError(PROVIDER, "auth", str(error), retriable=False) from None
        except ResponseTooLarge as error:
            raise ProviderError(PROVIDER, "malformed", str(error), retriable=False) from None
        except (ClientError, BotoCoreError) as error:
            raise classify_error(error, scrub=self._scrub) from None
        finally:
            _CALL_TIMEOUT.reset(token)
        log.debug("bedrock model=%s in %.3f s", self.model, self._clock() - started)
        return self._completion(response)

    def request(self, prompt: Prompt) -> dict[str, Any]:
        inference: dict[str, Any] = {"maxTokens": prompt.max_output_tokens}
        if self._temperature is not None:
            inference["temperature"] = self._temperature
        return {
            "modelId": self.model,
            "system": [{"text": prompt.system}],
            "messages": [{"role": "user", "content": [{"text": prompt.user}]}],
            "inferenceConfig": inference,
        }

    def _completion(self, response: Any) -> Completion:
        output = response.get("output") if isinstance(response, dict) else None
        message = output.get("message") if isinstance(output, dict) else None
        blocks = message.get("content") if isinstance(message, dict) else None
        texts = [b["text"] for b in blocks or () if isinstance(b, dict) and isinstance(b.get("text"), str)]
        usage = response.get("usage") if isinstance(response, dict) else None
        input_tokens = token_count(usage.get("inputTokens")) if isinstance(usage, dict) else None
        output_tokens = token_count(usage.get("outputTokens")) if isinstance(usage, dict) else None
        if not isinstance(blocks, list) or not texts:
            raise ProviderError(PROVIDER, "malformed", "no text in output.message.content", retriable=False)
        if input_tokens is None or output_tokens is None:
            raise ProviderError(PROVIDER, "malformed", "no usage in the answer", retriable=False)
        text = "".join(texts)
        if len(text) > self._max_output_chars:
            raise ProviderError(
                PROVIDER, "malformed", f"output longer than {self._max_output_chars} characters", retriable=False
            )
        if self._credentials is not None:  # a hostile endpoint may echo the credentials it was signed with
            for part in self._credentials.parts():
                text = part.without(text, shortest=ANSWER_FRAGMENT)
        return Completion(
            text=text,
            model=self.model,
            input_tokens=input_tokens,
            output_tokens=output_tokens,
            truncated=response.get("stopReason") == "max_tokens",
        )

    def _scrub(self, text: str) -> str:
        if self._credentials is not None:
            for part in self._credentials.parts():
                text = part.scrub(text)
        return scrub_text(text)

    def _client(self, timeout: float) -> Any:
        """The one botocore client, built at the first call: every call passes its own timeout to the sender
        (`_CALL_TIMEOUT`), so the chain's ever-different `min(call timeout, time left)` shares it, its connection
        pool and its CA context, instead of a client kept per distinct timeout for ever (ADR 0510). botocore's own
        timeouts below are never used: botocore never opens a connection."""
        with self._lock:
            kept = self._sending
            if kept is None:
                from botocore.config import Config

                config = Config(
                    retries={"total_max_attempts": 1, "mode": "standard"},
                    connect_timeout=timeout,
                    read_timeout=timeout,
                    region_name=self._region,
                )
                session = self._session if self._session is not None else self._new_session()
                sender = _DeadlineSender(timeout, session.get_config_variable("ca_bundle"))  # first: it may refuse
                try:
                    client = session.create_client(
                        "bedrock-runtime",
                        endpoint_url=self._endpoint_url,
                        config=config,
                        **self._explicit_credentials(),
                    )
                except BaseException:
                    sender.close()
                    raise
                # Converse only: it is the one operation called, and its answer is never streamed
                client.meta.events.register("before-send.bedrock-runtime.Converse", sender)
                kept = self._sending = _SendingClient(client, sender)
            self._used.fingerprint = self._fingerprint
            return kept.client

    def _explicit_credentials(self) -> dict[str, str | None]:
        if self._credentials is None:
            return {}
        token = self._credentials.session_token
        return {
            "aws_access_key_id": self._credentials.access_key_id.value(),
            "aws_secret_access_key": self._credentials.secret_access_key.value(),
            "aws_session_token": token.value() if token is not None else None,
        }

    def _new_session(self) -> Any:
        """A botocore session (boto3's core) on the current credentials; call with the lock held."""
        import botocore.session

        session = botocore.session.Session(profile=self._profile)
        session.register_component("data_loader", _shared_loader())
        self._session = session
        if self._credentials is not None:
            material = [part.value() for part in self._credentials.parts()]
        else:
            found = session.get_credentials()
            frozen = found.get_frozen_credentials() if found is not None else None
            material = [frozen.access_key or "", frozen.secret_key or "", frozen.token or ""] if frozen else []
        self._fingerprint = hashlib.sha256("\0".join(material).encode("utf-8")).digest()
        return session


@dataclass(frozen=True, slots=True)
class _SendingClient:
    """A boto3 client and the sender its requests go through."""

    client: Any
    sender: _DeadlineSender

    def close(self) -> None:
        self.client.close()
        self.sender.close()


class _DeadlineSender:
    """botocore's `before-send` handler: sends the signed request through httpx within `timeout`, whole, and hands
    botocore the answer to parse. Failures are raised as botocore's own exceptions (their text names the endpoint and
    the httpx exception's type, never a header), so `classify_error` sees what botocore would have raised."""

    def __init__(self, timeout: float, ca_bundle: str | None) -> None:
        from tfreview.plumbing.http import outbound_client

        self._timeout = timeout
        verify = _verify_with(ca_bundle)
        try:
            self._http = outbound_client(timeout=timeout, verify=verify)
        except ConfigError as error:  # a proxy environment httpx cannot use: this model's setup, not its credential
            raise ProviderError(PROVIDER, "other", str(error), retriable=False) from None

    def close(self) -> None:
        self._http.close()

    def __call__(self, request: Any, **_: Any) -> Any:
        import httpx
        from botocore.awsrequest import AWSResponse
        from botocore.exceptions import (
            ConnectionClosedError,
            ConnectTimeoutError,
            EndpointConnectionError,
            ReadTimeoutError,
        )

        body = request.body
        if hasattr(body, "read"):
            body = body.read()
        url = request.url
        timeout = _CALL_TIMEOUT.get()
        outbound = self._http.build_request(
            request.method,
            url,
            headers=list(request.headers.items()),
            content=body or b"",
            timeout=self._timeout if timeout is None else timeout,
        )
        try:
            answer = send_bounded(self._http, outbound, MAX_ANSWER_BYTES)
        except httpx.ConnectTimeout as error:
            raise ConnectTimeoutError(endpoint_url=url, error=type(error).__name__) from None
        except httpx.TimeoutException as error:
            raise ReadTimeoutError(endpoint_url=url, error=type(error).__name__) from None
        except (httpx.ConnectError, httpx.ProxyError, httpx.UnsupportedProtocol) as error:
            raise EndpointConnectionError(endpoint_url=url, error=type(error).__name__) from None
        except httpx.HTTPError as error:  # closed mid-answer, a broken answer, a body that does not inflate
            raise ConnectionClosedError(endpoint_url=url, error=type(error).__name__) from None
        content = answer.content
        if answer.status_code >= 400 and _nested_too_deep(content):
            # botocore's error parser would raise RecursionError reading it (a "malformed" answer, not retried): its
            # status and `x-amzn-ErrorType` still say what it is, its message is lost (review19a)
            content = b""
        return AWSResponse(url, answer.status_code, dict(answer.headers.items()), _Body(content))


def _nested_too_deep(body: bytes) -> bool:
    """True for JSON nested deeper than the reader goes (`[[[[…`): botocore's parser meets a RecursionError there."""
    try:
        json.loads(body)
    except RecursionError:
        return True
    except (UnicodeDecodeError, ValueError):
        return False
    return False


def _verify_with(ca_bundle: str | None) -> ssl.SSLContext | bool:
    """botocore's `ca_bundle` (AWS_CA_BUNDLE or the profile's; a file or, as botocore allows, a directory) as a
    verify context; without one, httpx's default. A bundle that cannot be loaded fails this model, not the review."""
    if not ca_bundle:
        return True
    try:
        if os.path.isdir(ca_bundle):
            return ssl.create_default_context(capath=ca_bundle)
        return ssl.create_default_context(cafile=ca_bundle)
    except (OSError, ssl.SSLError) as error:
        message = f"the AWS CA bundle {ca_bundle!r} cannot be loaded ({type(error).__name__})"
        raise ProviderError(PROVIDER, "other", message, retriable=False) from None


class _Body:
    """The raw body botocore's `AWSResponse.content` reads (`raw.stream()`), already read whole."""

    def __init__(self, content: bytes) -> None:
        self._content = content

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._content


@functools.cache
def _shared_loader() -> Any:
    """One loader of botocore's service models for the process: building a client drops from ~0.4 s to ~15 ms."""
    import botocore.loaders

    return botocore.loaders.create_loader()


def quiet_botocore() -> None:
    """Keep botocore's logger above DEBUG unless the operator has set its level on purpose."""
    botocore_log = logging.getLogger("botocore")
    if botocore_log.level == logging.NOTSET:
        botocore_log.setLevel(BOTOCORE_QUIET_LEVEL)


def classify_error(error: Exception, *, scrub: Callable[[str], str] = scrub_text) -> ProviderError:
    """The one place a botocore failure becomes a classified ProviderError."""
    from botocore.exceptions import (
        ClientError,
        ConnectionClosedError,
        ConnectTimeoutError,
        EndpointConnectionError,
        NoCredentialsError,
        ParamValidationError,
        ReadTimeoutError,
    )
    from botocore.parsers import ResponseParserError

    if isinstance(error, (ReadTimeoutError, ConnectTimeoutError)):
        return ProviderError(PROVIDER, "timeout", type(error).__name__, retriable=True)
    if isinstance(error, (EndpointConnectionError, ConnectionClosedError)):
        return ProviderError(PROVIDER, "unavailable", type(error).__name__, retriable=True)
    if isinstance(error, NoCredentialsError):
        return ProviderError(PROVIDER, "auth", "no AWS credentials found", retriable=False)
    if isinstance(error, ParamValidationError):
        return ProviderError(PROVIDER, "invalid_request", shorten(scrub(str(error))), retriable=False)
    if isinstance(error, ResponseParserError):
        return ProviderError(PROVIDER, "malformed", "answer could not be parsed", retriable=False)
    if not isinstance(error, ClientError):
        return ProviderError(PROVIDER, "other", type(error).__name__, retriable=False)
    details = error.response.get("Error", {})
    metadata = error.response.get("ResponseMetadata", {})
    code = str(details.get("Code", ""))
    status = metadata.get("HTTPStatusCode")
    message = shorten(scrub(f"{code}: {details.get('Message', '')}"))
    retry_after = parse_retry_after(metadata.get("HTTPHeaders", {}))
    if code in RETRIABLE_CODES:
        kind, retriable = RETRIABLE_CODES[code], True
    elif code in PERMANENT_CODES:
        kind, retriable = PERMANENT_CODES[code], False
    elif isinstance(status, int) and status >= 500:
        kind, retriable = "unavailable", True
    elif status == 429:
        kind, retriable = "throttled", True
    else:
        kind, retriable = "other", False
    return ProviderError(PROVIDER, kind, message, retriable=retriable, status=status, retry_after=retry_after)
