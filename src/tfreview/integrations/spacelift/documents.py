"""The GraphQL documents tfreview sends to Spacelift — and nothing else.

`COMMENT_RUN` and `REVIEW_RUN` are the request documents of spacelift-io/spacelift-api-bruno (MIT,
validated by its authors against the live schema; copies in tests/data/spacelift/). `API_KEY_USER` is
that collection's token document with `validUntil` added (selected by Spacelift's own flows client to
cache the JWT). `RUN` and `RUN_CHANGES` select only fields spacectl and flows-app-spacelift select
(`stack { run { ... } }`, `changesV3(input: {})`); `RUNS` is spacectl's run list (`runs(before: $before)`).
A field outside these sources would make Spacelift reject the whole query, so none is guessed.
"""

from __future__ import annotations

API_KEY_USER = """\
mutation GetSpaceliftToken($apiKeyId: ID!, $apiKeySecret: String!) {
  apiKeyUser(id: $apiKeyId, secret: $apiKeySecret) {
    jwt
    validUntil
  }
}
"""

COMMENT_RUN = """\
mutation CommentRun($stack: ID!, $run: ID!, $body: String!) {
  runComment(stack: $stack, run: $run, body: $body) {
    body
    createdAt
    username
  }
}
"""

REVIEW_RUN = """\
mutation ReviewRun($stack: ID!, $run: ID, $decision: RunReviewDecision!, $note: String) {
  runReview(stack: $stack, run: $run, decision: $decision, note: $note) {
    id
    author
    decision
    note
    state
    timestamp
  }
}
"""

RUN = """\
query TfreviewRun($stack: ID!, $run: ID!) {
  stack(id: $stack) {
    id
    namespace
    repository
    provider
    run(id: $run) {
      id
      state
      type
      branch
      createdAt
      commit {
        hash
      }
      comments {
        body
        createdAt
        username
      }
    }
  }
}
"""

RUN_CHANGES = """\
query TfreviewRunChanges($stack: ID!, $run: ID!) {
  stack(id: $stack) {
    run(id: $run) {
      changesV3(input: {}) {
        resources {
          address
          previousAddress
          metadata {
            type
          }
        }
      }
    }
  }
}
"""

RUNS = """\
query TfreviewRuns($stack: ID!, $before: ID) {
  stack(id: $stack) {
    id
    namespace
    repository
    provider
    runs(before: $before) {
      id
      state
      type
      branch
      createdAt
      commit {
        hash
      }
    }
  }
}
"""
