#!/usr/bin/env python3
"""The README's walk-through, through a client generated from openapi.yaml only.

Run by scripts/client-walkthrough, which generates the client (openapi-python-client), starts
`discreet serve --demo` and passes its address and key. Every exchange is validated by an
independent validator (openapi-core) against openapi.yaml, request and response; every answer
must parse into the model its operation documents; any surprise fails the run.

usage: client-walkthrough.py BASE_URL KEY
"""
import copy
import json
import sys
from urllib.parse import parse_qs, urlparse

import yaml
from openapi_core import Config, OpenAPI
from werkzeug.datastructures import Headers, ImmutableMultiDict

from discreet_client import AuthenticatedClient
from discreet_client.api.disclosures import accounting, decide, disclose
from discreet_client.api.exceptions import list_exceptions
from discreet_client.api.health import health, ready
from discreet_client.api.ledger import checkpoint, consistency_proof, inclusion_proof, keys, ledger_entry, match_payload
from discreet_client.api.policy import get_policy, put_policy, validate_policy
from discreet_client.api.providers import get_provider, list_providers, put_provider
from discreet_client.api.recalls import get_recall, list_recalls
from discreet_client.api.subjects import grant_consent, import_consents, list_consents, withdraw_consent
from discreet_client.models import (
    Accounting,
    Consent,
    ConsentImport,
    ConsentList,
    ConsentWithdrawal,
    ConsistencyProof,
    DecisionRequest,
    DecisionResponse,
    DisclosureRequest,
    DisclosureResponse,
    ExceptionList,
    Health,
    ImportReport,
    InclusionProof,
    KeySet,
    StoredEntry,
    BundleDraft,
    ConsentInput,
    MatchResult,
    PolicyBundle,
    ReleasedPayload,
    PolicyDocument,
    PolicyInstalled,
    PolicyValidation,
    Problem,
    Provider,
    ProviderInput,
    ProviderList,
    Readiness,
    Recall,
    RecallList,
    ListRecallsStatus,
)
from discreet_client.types import File

BASE, KEY = sys.argv[1], sys.argv[2]

spec = yaml.safe_load(open("openapi.yaml"))
spec["servers"] = [{"url": BASE}]
# The validator is told which media types are text (it knows JSON only), and that a problem is JSON.
def text(value, **parameters):
    return value.decode() if isinstance(value, bytes) else value


config = Config(
    extra_media_type_deserializers={
        "application/problem+json": lambda value, **parameters: json.loads(value),
        "application/yaml": text,
        "application/x-ndjson": text,
        "text/csv": text,
        "text/html": text,
        "text/plain": text,
    }
)
validator = OpenAPI.from_dict(spec, config=config)


class Request:
    """An httpx request as openapi-core reads one."""

    def __init__(self, request):
        url = urlparse(str(request.url))
        self.host_url = f"{url.scheme}://{url.netloc}"
        self.path = url.path
        self.method = request.method.lower()
        self.body = request.content or None
        self.content_type = request.headers.get("Content-Type", "")
        self.parameters = _parameters(url.query, request.headers)


def _parameters(query, headers):
    from openapi_core.datatypes import RequestParameters

    return RequestParameters(
        query=ImmutableMultiDict([(k, v) for k, vs in parse_qs(query).items() for v in vs]),
        header=Headers(dict(headers)),
        cookie=ImmutableMultiDict(),
    )


class Response:
    """An httpx response as openapi-core reads one."""

    def __init__(self, response):
        self.data = response.content
        self.status_code = response.status_code
        self.content_type = response.headers.get("Content-Type", "")
        self.headers = Headers(dict(response.headers))


class TextDates(yaml.SafeLoader):
    """YAML as discreet reads it: a date stays the text it was written as."""


TextDates.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

exchanges = []
failures = []


def check(response):
    """httpx's response hook: every exchange against the spec, request and response."""
    response.read()
    request, answer = Request(response.request), Response(response)
    where = f"{response.request.method} {urlparse(str(response.request.url)).path} -> {response.status_code}"
    exchanges.append(where)
    for what, validate in (
        ("request", lambda: validator.validate_request(request)),
        ("response", lambda: validator.validate_response(request, answer)),
    ):
        try:
            validate()
        except Exception as error:  # openapi-core raises one class per kind of mismatch
            details = "; ".join(str(e) for e in getattr(error, "schema_errors", []) or [])
            failures.append(f"{where}: the {what} is outside openapi.yaml: {error} {details}"[:600])


def buffer(request):
    """httpx's request hook: a streamed body (a File) is read once, so the check can see it."""
    request.read()


client = AuthenticatedClient(
    base_url=BASE, token=KEY, httpx_args={"event_hooks": {"request": [buffer], "response": [check]}}
)


def step(title, call, model, status=200):
    """One call: the expected status, and an answer parsed into the documented model."""
    answer = call()
    parsed = answer.parsed
    if answer.status_code != status:
        failures.append(f"{title}: status {answer.status_code}, expected {status}: {answer.content[:300]!r}")
    elif not isinstance(parsed, model):
        failures.append(f"{title}: the answer did not parse into {model.__name__} (got {type(parsed).__name__})")
    print(f"{'ok ' if isinstance(parsed, model) and answer.status_code == status else 'FAIL'} {title}")
    return parsed


def decisions(answer):
    return {d.field: d.reason.value for d in answer.decisions} if isinstance(answer, DisclosureResponse) else {}


def expect(condition, what):
    if not condition:
        failures.append(what)


# Providers.
step("GET /v1/providers/recouvra", lambda: get_provider.sync_detailed("recouvra", client=client), Provider)
medibill = ProviderInput.from_dict(
    {
        "kind": "service-provider",
        "agreements": [
            {
                "id": "medibill-baa",
                "type": "BAA",
                "purposes": ["billing"],
                "categories": ["identity.*", "contact.*", "financial.*", "health.*"],
                "valid_from": "2026-01-01",
                "valid_until": "2028-01-01",
                "document_digest": "sha256:9f86d081884c7d65",
            }
        ],
    }
)
step(
    "PUT /v1/providers/medibill", lambda: put_provider.sync_detailed("medibill", client=client, body=medibill), Provider, 201
)

# A record to the debt collector: the diagnosis stays home.
record = {"name": "Ana Souza", "birth_date": "1984-02-29", "phone": "+33612345678", "amount_due": 120.5, "diagnosis": "F32.1"}
request = DisclosureRequest.from_dict(
    {"provider": "recouvra", "purpose": "debt-collection", "subject": "p-1", "record_type": "patient", "record": record}
)
first = step("POST /v1/disclosures (debt collection)", lambda: disclose.sync_detailed(client=client, body=request), DisclosureResponse)
expect(decisions(first).get("diagnosis") == "no-agreement", "the debt collector's diagnosis is not withheld for no-agreement")
expect(isinstance(first, DisclosureResponse) and "diagnosis" not in first.released.to_dict(), "a withheld value was released")

# Part 2: no consent, a consent, a withdrawal.
treatment = DisclosureRequest.from_dict(
    {
        "provider": "facturo",
        "purpose": "billing",
        "subject": "p-1",
        "record_type": "patient",
        "record": {"name": "Ana Souza", "treatments": [{"code": "H0020", "substance_program": "methadone"}]},
    }
)
before = step("POST /v1/disclosures (no consent)", lambda: disclose.sync_detailed(client=client, body=treatment), DisclosureResponse)
expect(decisions(before).get("treatments[0].substance_program") == "no-consent", "substance use released without consent")
grant = {
    "provider": "facturo",
    "purposes": ["billing"],
    "categories": ["health.substance_use"],
    "granted_at": "2026-01-15T10:00:00Z",
    "expires_at": "2099-01-15T10:00:00Z",
    "method": "written",
    "evidence": {"digest": "sha256:2c26b46b68ffc68f", "reference": "scan-2026-0117"},
    "notice_version": "2026-01",
}
consent = step(
    "POST /v1/subjects/p-1/consents",
    lambda: grant_consent.sync_detailed("p-1", client=client, body=ConsentInput.from_dict(grant)),
    Consent,
    status=201,
)
after = step("POST /v1/disclosures (consented)", lambda: disclose.sync_detailed(client=client, body=treatment), DisclosureResponse)
expect(decisions(after).get("treatments[0].substance_program") == "permitted", "a consented field was not released")
if isinstance(consent, Consent):
    ended = step(
        "POST /v1/subjects/p-1/consents/{id}/withdraw",
        lambda: withdraw_consent.sync_detailed("p-1", consent.id, client=client),
        ConsentWithdrawal,
    )
    # The consented disclosure went to facturo: the withdrawal recalls it from facturo alone.
    recalls = ended.recalls if isinstance(ended, ConsentWithdrawal) else []
    expect([r.provider for r in recalls] == ["facturo"], f"the withdrawal's recalls: {[r.provider for r in recalls]}")
    queue = step(
        "GET /v1/recalls?status=open",
        lambda: list_recalls.sync_detailed(client=client, status=ListRecallsStatus.OPEN),
        RecallList,
    )
    expect(
        isinstance(queue, RecallList) and [r.id for r in queue.recalls] == [r.id for r in recalls],
        "the open recalls are not the withdrawal's",
    )
    if recalls:
        one = step("GET /v1/recalls/{id}", lambda: get_recall.sync_detailed(recalls[0].id, client=client), Recall)
        expect(
            isinstance(one, Recall) and [d.disclosure for d in one.disclosures] == [after.disclosure_id],
            "the recall does not name the consented disclosure",
        )
withdrawn = step("POST /v1/disclosures (withdrawn)", lambda: disclose.sync_detailed(client=client, body=treatment), DisclosureResponse)
expect(decisions(withdrawn).get("treatments[0].substance_program") == "consent-withdrawn", "a withdrawn consent still released")

# An existing client base's consents: CSV as bytes, and the typed JSON form.
with open("examples/consents.csv", "rb") as csv:
    report = step(
        "POST /v1/consents/import (CSV)",
        lambda: import_consents.sync_detailed(client=client, body=File(payload=csv, mime_type="text/csv")),
        ImportReport,
    )
line = {"subject": "p-9", **grant, "purposes": ["billing"], "categories": ["health.diagnosis"]}
typed = step(
    "POST /v1/consents/import (JSON)",
    lambda: import_consents.sync_detailed(client=client, body=ConsentImport.from_dict({"consents": [line]})),
    ImportReport,
)
expect(isinstance(typed, ImportReport) and typed.imported == 1, "the JSON import did not import its one consent")

# Ask without sending values; a refusal is a typed problem too.
ask = DecisionRequest.from_dict(
    {
        "provider": "recouvra",
        "purpose": "debt-collection",
        "subject": "p-1",
        "record_type": "patient",
        "fields": ["name", "diagnosis", "treatments[0].code"],
    }
)
step("POST /v1/decisions", lambda: decide.sync_detailed(client=client, body=ask), DecisionResponse)
unknown = copy.deepcopy(request)
unknown.purpose = "marketing"
problem = step("POST /v1/disclosures (unknown purpose)", lambda: disclose.sync_detailed(client=client, body=unknown), Problem, 422)
expect(isinstance(problem, Problem) and "marketing" not in json.dumps(problem.to_dict()), "a problem echoed a value")

# The accounting, page by page (a cursor, then the end).
seen, cursor, pages = [], None, 0
while True:
    page = step(
        f"GET /v1/subjects/p-1/disclosures page {pages + 1}",
        lambda: accounting.sync_detailed("p-1", client=client, limit=2, **({"cursor": cursor} if cursor else {})),
        Accounting,
    )
    pages += 1
    if not isinstance(page, Accounting) or pages > 10:
        break
    seen += [d.entry.id for d in page.disclosures]
    if not page.next_:
        break
    cursor = page.next_
made = [a.disclosure_id for a in (first, before, after, withdrawn) if isinstance(a, DisclosureResponse)]
expect(
    len(seen) == len(set(seen)) and set(seen) == set(made) and pages == (len(made) + 1) // 2,
    f"the accounting's pages: {len(seen)} entries in {pages} pages for {len(made)} disclosures",
)

# Proofs anyone can check.
step("GET /.well-known/discreet-keys", lambda: keys.sync_detailed(client=client), KeySet)
# text/plain is bytes to this generator's configuration (a leaked file is sent as text too), so
# the signed checkpoint arrives as its bytes.
step("GET /v1/ledger/checkpoint", lambda: checkpoint.sync_detailed(client=client), bytes)
step("GET /v1/ledger/proof/inclusion?index=0", lambda: inclusion_proof.sync_detailed(client=client, index=0), InclusionProof)
step("GET /v1/ledger/proof/consistency?from=1", lambda: consistency_proof.sync_detailed(client=client, from_=1), ConsistencyProof)
step("GET /v1/ledger/entries/0", lambda: ledger_entry.sync_detailed(0, client=client), StoredEntry)
if isinstance(first, DisclosureResponse):
    released = ReleasedPayload.from_dict(first.released.to_dict())
    match = step("POST /v1/ledger/entries/0/match", lambda: match_payload.sync_detailed(0, client=client, body=released), MatchResult)
    expect(isinstance(match, MatchResult) and match.matches, "the released payload does not match its entry")

# The policy: read, dry-run and replace it in its JSON form, typed.
document = step("GET /v1/policy", lambda: get_policy.sync_detailed(client=client), PolicyDocument)
if isinstance(document, PolicyDocument):
    bundle = PolicyBundle.from_dict(yaml.load(document.source, Loader=TextDates))
    bundle.version = "demo-2026.2"
    verdict = step("POST /v1/policy/validate", lambda: validate_policy.sync_detailed(client=client, body=BundleDraft.from_dict(bundle.to_dict())), PolicyValidation)
    expect(isinstance(verdict, PolicyValidation) and verdict.valid, "the demo bundle's JSON form is not valid")
    installed = step("PUT /v1/policy (JSON form)", lambda: put_policy.sync_detailed(client=client, body=bundle), PolicyInstalled)
    expect(isinstance(installed, PolicyInstalled) and installed.version == "demo-2026.2", "the JSON form was not installed")

# Lists and health.
step("GET /v1/providers", lambda: list_providers.sync_detailed(client=client, limit=2), ProviderList)
step("GET /v1/subjects/p-1/consents", lambda: list_consents.sync_detailed("p-1", client=client), ConsentList)
step("GET /v1/exceptions", lambda: list_exceptions.sync_detailed(client=client), ExceptionList)
step("GET /health", lambda: health.sync_detailed(client=client), Health)
step("GET /ready", lambda: ready.sync_detailed(client=client), Readiness)

print(f"{len(exchanges)} exchanges validated by openapi-core; {len(failures)} failures")
for f in failures:
    print(f"FAIL {f}")
sys.exit(1 if failures else 0)
