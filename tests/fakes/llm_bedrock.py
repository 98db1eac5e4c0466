"""A fake Amazon Bedrock Runtime speaking the REST protocol boto3 uses for Converse.

`POST /model/{modelId}/converse` with a JSON body answers a Converse output (`output.message.content`,
`stopReason`, `usage`, `metrics`). Errors carry the `x-amzn-ErrorType` header and a `{"message": …}`
body at the HTTP status the service model declares, so botocore raises a `ClientError` with the real
error code. SigV4 headers are accepted without checking the signature; the access key id is read from
the `Credential=` part of `Authorization` so `valid_keys` can reject an old key (K3).
"""

from __future__ import annotations

import json
import re
from urllib.parse import unquote

from tests.fakes.llm_common import (
    Behaviour,
    FakeModelServer,
    RecordedRequest,
    Reply,
)

# status codes of the Converse errors, as botocore's service model for bedrock-runtime declares them
ERROR_STATUS = {
    "AccessDeniedException": 403,
    "ThrottlingException": 429,
    "ResourceNotFoundException": 404,
    "ModelTimeoutException": 408,
    "InternalServerException": 500,
    "ServiceUnavailableException": 503,
    "ValidationException": 400,
    "ModelNotReadyException": 429,
    "ModelErrorException": 424,
    "UnrecognizedClientException": 403,
}
_PATH = re.compile(r"^/model/(?P<model>[^/]+)/converse$")
_CREDENTIAL = re.compile(r"Credential=(?P<key>[^/,\s]+)/")


class FakeBedrock(FakeModelServer):
    default_usage = (777, 58)
    oversized_bytes = 300_000

    def key_of(self, request: RecordedRequest) -> str | None:
        match = _CREDENTIAL.search(request.headers.get("authorization", ""))
        return match.group("key") if match else None

    @staticmethod
    def model_of(request: RecordedRequest) -> str | None:
        match = _PATH.match(request.path)
        return unquote(match.group("model")) if match else None

    def default(self, request: RecordedRequest) -> Behaviour:
        if request.method != "POST" or self.model_of(request) is None:
            return self.error("UnknownOperationException", "Unknown operation", status=404)
        if not self.key_accepted(request):
            return self.error("UnrecognizedClientException", "The security token included in the request is invalid.")
        return self.ok(self.reply_text)

    # --- answers ---------------------------------------------------------------------------------

    def ok(self, text: str) -> Reply:
        return Reply.of_json(
            200,
            {
                "output": {"message": {"role": "assistant", "content": [{"text": text}]}},
                "stopReason": "end_turn",
                "usage": {
                    "inputTokens": self.input_tokens,
                    "outputTokens": self.output_tokens,
                    "totalTokens": self.input_tokens + self.output_tokens,
                },
                "metrics": {"latencyMs": 321},
            },
            (("x-amzn-RequestId", "00000000-0000-0000-0000-000000000000"),),
        )

    def cut_short(self, text: str) -> Reply:
        """A 200 whose answer stopped at `maxTokens` (`stopReason: max_tokens`): `text` is what came before."""
        reply = self.ok(text)
        document = json.loads(reply.body)
        document["stopReason"] = "max_tokens"
        return Reply.of_json(200, document, reply.headers[1:])

    @staticmethod
    def error(
        code: str, message: str, *, status: int | None = None, headers: tuple[tuple[str, str], ...] = ()
    ) -> Reply:
        return Reply.of_json(
            status if status is not None else ERROR_STATUS.get(code, 400),
            {"message": message},
            (
                ("x-amzn-ErrorType", f"{code}:http://internal.amazon.com/coral/com.amazon.bedrock/"),
                ("x-amzn-RequestId", "00000000-0000-0000-0000-000000000000"),
                *headers,
            ),
        )

    @classmethod
    def throttled(cls) -> Reply:
        return cls.error("ThrottlingException", "Too many requests, please wait before trying again.")

    @staticmethod
    def missing_fields() -> Reply:
        return Reply.of_json(200, {"stopReason": "end_turn", "metrics": {"latencyMs": 1}})
