"""Schemathesis hooks for discreet's contract fuzzing (.ci/run sets SCHEMATHESIS_HOOKS).

The batch route takes NDJSON and the trace route CSV among others: both are streams of bytes
(`format: binary` in openapi.yaml), which schemathesis has no serializer for. They are sent as
the bytes it generates, as it sends application/octet-stream, so that every operation is fuzzed
rather than skipped with "Serialization not possible".
"""

import schemathesis

schemathesis.serializer.alias(["application/x-ndjson", "text/csv"], "application/octet-stream")
