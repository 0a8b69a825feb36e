import DiscreetJSON
import DiscreetPolicy
import DiscreetStore
import Foundation

/// A candidate bundle's decisions over the ledger's history, against what was decided then.
///
/// Each disclosure entry in the window is decided again under the candidate from what the entry
/// records (provider, purpose, subject, record type, field paths, exception, instant) and what
/// the store knows of that instant: the provider's version then (its agreements, suspension),
/// the subject's consents with their history. No value is needed and none is read. Two things
/// are as they are now, since the store keeps no history of them: the subject's tags and
/// restrictions; and a request's own record tags are not recorded at all.
///
/// Entries are read a page at a time and only counts are kept (`ReplayTally`), so a replay of any
/// length holds a page, the tally and bounded caches of providers and subjects.
public struct PolicyReplay: Sendable {
    public enum Window: Sendable, Equatable {
        /// The newest `n` entries.
        case last(Int64)
        /// Entries whose instant is in `[from, to)`; either end open.
        case between(from: Date?, to: Date?)
    }

    public struct Report: Sendable {
        public var candidate: String
        public var window: Window
        public var fromIndex: Int64
        public var toIndex: Int64
        public var scanned = 0
        public var notDisclosures = 0
        public var refusedThen = 0
        public var outsideWindow = 0
        /// Entries decided with a provider version carried over from before history was kept.
        public var providerBeforeHistory = 0
        public var tally = ReplayTally()
    }

    public static let pageSize = 1_000
    /// Providers and subjects kept between entries; past this the cache starts again.
    static let cacheLimit = 10_000

    let store: any DiscreetStore
    let engine: DecisionEngine
    let window: Window

    public init(store: any DiscreetStore, candidate: PolicyBundle, window: Window) {
        self.store = store
        self.engine = DecisionEngine(bundle: candidate)
        self.window = window
    }

    /// Replays the window; `progress` is called after each page with the entries scanned and the
    /// number the window spans, and may throw to stop (a client that went away).
    public func run(progress: (Int, Int64) async throws -> Void = { _, _ in }) async throws -> Report {
        let size = Int64(try await store.treeHead().size)
        let start: Int64
        switch window {
        case .last(let n): start = max(0, size - n)
        case .between: start = 0
        }
        var report = Report(candidate: engine.bundle.version, window: window, fromIndex: start, toIndex: size)
        var providers: [String: [ProviderVersion]] = [:]
        var subjects: [String: (subject: Subject?, consents: [Consent])] = [:]
        var next = start
        while next < size {
            let page = try await store.entries(from: next, limit: Int(min(Int64(Self.pageSize), size - next)))
            guard let last = page.last else { break }
            for entry in page {
                report.scanned += 1
                guard let recorded = RecordedDisclosure(entry: entry.entry) else {
                    report.notDisclosures += 1
                    continue
                }
                if case .between(let from, let to) = window {
                    if let from, recorded.time < from { report.outsideWindow += 1; continue }
                    if let to, recorded.time >= to { report.outsideWindow += 1; continue }
                }
                if recorded.refused != nil {
                    report.refusedThen += 1
                    continue
                }
                if providers.count >= Self.cacheLimit { providers.removeAll(keepingCapacity: true) }
                if subjects.count >= Self.cacheLimit { subjects.removeAll(keepingCapacity: true) }
                let versions: [ProviderVersion]
                if let cached = providers[recorded.provider] {
                    versions = cached
                } else {
                    versions = try await store.providerVersions(id: recorded.provider)
                    providers[recorded.provider] = versions
                }
                let asOf = versions.asOf(recorded.time)
                if asOf.predatesHistory { report.providerBeforeHistory += 1 }
                let known: (subject: Subject?, consents: [Consent])
                if let cached = subjects[recorded.subject] {
                    known = cached
                } else {
                    known = (
                        try await store.subject(id: recorded.subject), try await store.consents(subjectID: recorded.subject)
                    )
                    subjects[recorded.subject] = known
                }
                let input = DecisionInput(
                    providerID: recorded.provider, purpose: recorded.purpose, subjectID: recorded.subject,
                    recordType: recorded.recordType, provider: asOf.provider, subject: known.subject,
                    consents: known.consents, exception: recorded.exception, time: recorded.time)
                do {
                    let result = try engine.decide(fields: recorded.fields, input: input)
                    report.tally.add(
                        index: entry.index, provider: recorded.provider, purpose: recorded.purpose,
                        recorded: recorded.decisions, decided: result.decisions)
                } catch {
                    report.tally.refuse(
                        index: entry.index, provider: recorded.provider, purpose: recorded.purpose, problem: error.code,
                        fields: recorded.fields.count)
                }
            }
            next = last.index + 1
            try await progress(report.scanned, size - start)
        }
        return report
    }
}

extension RequestRefusal {
    /// The refusal as a stable code, as the API's problems name them.
    var code: String {
        switch self {
        case .unknownPurpose: "unknown-purpose"
        case .unknownRecordType: "unknown-record-type"
        case .providerSuspended: "provider-suspended"
        case .unknownException: "unknown-exception"
        case .tooManyFields: "too-many-fields"
        }
    }
}

extension PolicyReplay.Report {
    /// The report as the API answers it and `policy replay --json` prints it.
    public var json: JSONValue {
        var w: [(String, JSONValue)] = [("from_index", .number(String(fromIndex))), ("to_index", .number(String(toIndex)))]
        switch window {
        case .last(let n): w.append(("last", .number(String(n))))
        case .between(let from, let to):
            if let from { w.append(("from", .string(RFC3339.format(from)))) }
            if let to { w.append(("to", .string(RFC3339.format(to)))) }
        }
        func examples(_ c: ReplayTally.Count) -> JSONValue { .array(c.examples.map { .number(String($0)) }) }
        let changes: [JSONValue] = tally.changes.keys.sorted().map { k in
            let c = tally.changes[k]!
            return .object(
                JSONObject([
                    ("provider", .string(k.provider)), ("purpose", .string(k.purpose)), ("from", .string(k.from.rawValue)),
                    ("to", .string(k.to.rawValue)), ("was", .string(k.was.rawValue)), ("reason", .string(k.reason.rawValue)),
                    ("fields", .number(String(c.fields))), ("entries", .number(String(c.entries))), ("examples", examples(c)),
                ]))
        }
        let refusals: [JSONValue] = tally.refusals.keys.sorted().map { k in
            let c = tally.refusals[k]!
            return .object(
                JSONObject([
                    ("provider", .string(k.provider)), ("purpose", .string(k.purpose)), ("problem", .string(k.problem)),
                    ("fields", .number(String(c.fields))), ("entries", .number(String(c.entries))), ("examples", examples(c)),
                ]))
        }
        return .object(
            JSONObject([
                ("candidate", .string(candidate)), ("window", .object(JSONObject(w))),
                (
                    "entries",
                    .object(
                        JSONObject([
                            ("scanned", .number(String(scanned))), ("replayed", .number(String(tally.entriesReplayed))),
                            ("not_disclosures", .number(String(notDisclosures))),
                            ("refused_then", .number(String(refusedThen))), ("outside_window", .number(String(outsideWindow))),
                            ("provider_before_history", .number(String(providerBeforeHistory))),
                        ]))
                ),
                (
                    "fields",
                    .object(
                        JSONObject([
                            ("replayed", .number(String(tally.fieldsReplayed))),
                            ("changed", .number(String(tally.fieldsChanged))),
                        ]))
                ),
                ("changes", .array(changes)), ("refusals", .array(refusals)),
            ]))
    }
}
