import DiscreetJSON

/// The decision rule of DESIGN §3 over a validated bundle.
///
/// Pure: it decides from the bundle and a `DecisionInput` the caller gathered, and reads no clock,
/// file or socket. Fail closed: a field is released only when every check passes; an unmapped
/// field, an unknown provider or a transform that cannot apply withholds.
///
/// The bundle is compiled once, here (`CompiledBundle`), so that a request hashes only its own keys.
public struct DecisionEngine: Sendable {
    public let bundle: PolicyBundle
    let compiled: CompiledBundle

    /// The most fields one request may carry: each gets a decision, in the answer and the ledger.
    public static let maxFields = 10_000

    public init(bundle: PolicyBundle) {
        self.bundle = bundle
        self.compiled = CompiledBundle(bundle)
    }

    /// Decides a record with its values and builds what may leave.
    public func disclose(record: JSONObject, input: DecisionInput, pseudonymizer: Pseudonymizer) throws(RequestRefusal)
        -> DisclosureResult
    {
        let (compiledRecord, verdicts, scrubs) = try prepare(input)
        var walk = RecordWalk(record: compiledRecord, verdicts: verdicts, pseudonymizer: pseudonymizer, tokens: input.tokens)
        walk.decisions.reserveCapacity(record.count + 4)
        let released = walk.decide(record, prefix: "", scrubs: scrubs)
        guard walk.decisions.count <= Self.maxFields else { throw .tooManyFields(Self.maxFields) }
        return DisclosureResult(
            decisions: walk.decisions, released: released ?? JSONObject(), notices: walk.verdicts.notices(),
            missingTokens: walk.missingTokens, tokens: walk.releasedTokens, pseudonyms: walk.pseudonyms)
    }

    /// Decides the records of a gateway body, each subject's records under that subject's own
    /// input (consents, restrictions, tags), so that no record is decided under another person's
    /// consent; field names take each record's prefix (`[2].name`). One result per subject, in
    /// order. The field limit holds for the request as a whole; a suspended provider refuses it all.
    public func disclose(bySubject batches: [SubjectRecords], pseudonymizer: Pseudonymizer) throws(RequestRefusal)
        -> [RecordsDisclosure]
    {
        var out: [RecordsDisclosure] = []
        out.reserveCapacity(batches.count)
        var fields = 0
        for batch in batches {
            precondition(batch.records.count == batch.prefixes.count)
            let (compiledRecord, verdicts, scrubs) = try prepare(batch.input)
            var walk = RecordWalk(
                record: compiledRecord, verdicts: verdicts, pseudonymizer: pseudonymizer, tokens: batch.input.tokens)
            var released: [JSONObject] = []
            released.reserveCapacity(batch.records.count)
            for (record, prefix) in zip(batch.records, batch.prefixes) {
                // Each record's free text loses that record's own values.
                released.append(walk.decide(record, prefix: prefix, scrubs: scrubs) ?? JSONObject())
                guard fields + walk.decisions.count <= Self.maxFields else { throw .tooManyFields(Self.maxFields) }
            }
            fields += walk.decisions.count
            out.append(
                RecordsDisclosure(
                    subjectID: batch.input.subjectID, decisions: walk.decisions, released: released,
                    notices: walk.verdicts.notices(), missingTokens: walk.missingTokens, tokens: walk.releasedTokens,
                    pseudonyms: walk.pseudonyms))
        }
        return out
    }

    /// Decides field paths without values (`POST /v1/decisions`). A path may be concrete
    /// (`treatments[0].code`) or a pattern (`treatments[].code`).
    public func decide(fields: [String], input: DecisionInput) throws(RequestRefusal) -> DecisionResult {
        guard fields.count <= Self.maxFields else { throw .tooManyFields(Self.maxFields) }
        var (compiledRecord, verdicts, _) = try prepare(input)
        var decisions: [FieldDecision] = []
        decisions.reserveCapacity(fields.count)
        for field in fields {
            guard let category = compiledRecord.category(ofConcrete: field) else {
                decisions.append(FieldDecision(field: field, category: nil, outcome: .withheld, reason: .unmappedField))
                continue
            }
            decisions.append(verdicts.decision(field: field, category: category))
        }
        return DecisionResult(decisions: decisions, notices: verdicts.notices())
    }

    /// The record type, the request's verdicts, and whether the purpose scrubs.
    private func prepare(_ input: DecisionInput) throws(RequestRefusal) -> (CompiledRecord, VerdictCache, Bool) {
        guard let purpose = compiled.purposes[input.purpose] else { throw .unknownPurpose(input.purpose) }
        guard let record = compiled.records[input.recordType] else { throw .unknownRecordType(input.recordType) }
        if let exception = input.exception, compiled.exceptionRules[exception.basis] == nil {
            throw .unknownException(exception.basis)
        }
        if let provider = input.provider, provider.suspended { throw .providerSuspended(provider.id) }
        return (record, VerdictCache(scope: RequestScope(input: input, compiled: compiled, purpose: purpose)), purpose.scrubs)
    }
}

/// The outcome of a disclosure: a decision per field, the record holding only what passed, and
/// the notices of every regime under which something was released.
public struct DisclosureResult: Sendable {
    public var decisions: [FieldDecision]
    public var released: JSONObject
    public var notices: [String]
    /// Tokenized paths whose token the input did not hold: issue them, then decide again. Never
    /// release a result where this is not empty.
    public var missingTokens: [String] = []
    /// The tokens released, by their path in the record, for the leak-tracing index.
    public var tokens: [FieldReference] = []
    /// The pseudonyms released, for the leak-tracing index (never written to the ledger).
    public var pseudonyms: [FieldReference] = []
}

/// A reference to a subject's field that left: a token or a pseudonym, and the field's path.
public struct FieldReference: Sendable, Equatable {
    public var field: String
    public var value: String

    public init(field: String, value: String) {
        self.field = field
        self.value = value
    }
}

/// One subject's records in a multi-record body, with that subject's decision input: the engine
/// decides them under it alone.
public struct SubjectRecords: Sendable {
    public var input: DecisionInput
    public var records: [JSONObject]
    /// How each record's fields are named in decisions (`[2]` for the body's third record).
    public var prefixes: [String]

    public init(input: DecisionInput, records: [JSONObject], prefixes: [String]) {
        self.input = input
        self.records = records
        self.prefixes = prefixes
    }
}

/// The outcome of a multi-record disclosure for one subject: a decision per field of each of its
/// records, and each record holding only what passed (empty when nothing did).
public struct RecordsDisclosure: Sendable {
    public var subjectID: String
    public var decisions: [FieldDecision]
    public var released: [JSONObject]
    public var notices: [String]
    /// As in `DisclosureResult`.
    public var missingTokens: [String] = []
    public var tokens: [FieldReference] = []
    public var pseudonyms: [FieldReference] = []
}

/// The outcome of a values-free decision.
public struct DecisionResult: Sendable {
    public var decisions: [FieldDecision]
    public var notices: [String]
}
