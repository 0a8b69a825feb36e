import DiscreetJSON
import DiscreetLedger
import DiscreetPolicy
import DiscreetStore
import Foundation

/// Turns a leaked file into evidence: every token and pseudonym found in it (`ReferenceScanner`)
/// is looked up in the leak-tracing index, attributed to the provider it was given to, and
/// backed by the ledger entry of its first disclosure, that entry checked against its leaf hash
/// and proved included in the signed checkpoint. A reference given to more than one provider is
/// reported as shared, never attributed to either. A damaged entry stops the trace
/// (`LeakTraceDamage`): a report is never built on an entry the ledger cannot vouch for.
public struct LeakTrace {
    /// Candidates are looked up this many at a time, so a file's size bounds no memory but the tallies.
    static let batch = 2_000
    /// Inclusion proofs written into the report per provider; the others are counted, and any of
    /// them can be fetched from `GET /v1/ledger/proof/inclusion`.
    static let proofsPerProvider = 100

    struct Tally {
        /// Occurrences in the file of references traced here.
        var occurrences = 0
        var references = Set<String>()
        var tokens = 0
        var pseudonyms = 0
        var subjects = Set<String>()
        /// Ledger index of each first disclosure, and what it must show.
        var entries: [Int64: [DisclosedReference]] = [:]
    }

    var scanner = ReferenceScanner()
    var byProvider: [String: Tally] = [:]
    /// Keyed by the providers sharing, joined by a comma.
    var shared: [String: Tally] = [:]
    let store: any DiscreetStore

    public init(store: any DiscreetStore) { self.store = store }

    /// Reads a piece of the file; looks its candidates up once enough have gathered.
    public mutating func feed(_ bytes: some Sequence<UInt8>) async throws {
        scanner.feed(bytes)
        if scanner.found.count >= Self.batch { try await lookUp() }
    }

    public mutating func finish() async throws {
        scanner.finish()
        try await lookUp()
    }

    private mutating func lookUp() async throws {
        let found = scanner.take()
        guard !found.isEmpty else { return }
        let rows = try await store.disclosedReferences(Array(found.keys))
        var byValue: [String: [DisclosedReference]] = [:]
        for r in rows { byValue[r.value, default: []].append(r) }
        for (value, rows) in byValue {
            let providers = Set(rows.map(\.providerID)).sorted()
            let key = providers.joined(separator: ",")
            let count = found[value] ?? 0
            if providers.count == 1 {
                byProvider[key, default: Tally()].add(value, count, rows)
            } else {
                shared[key, default: Tally()].add(value, count, rows)
            }
        }
    }

    /// The report: per provider, what of the file it was given, with the entries and their proofs.
    public func report(verifier: NoteVerifierKey?, now: Date) async throws -> JSONValue {
        let head = try await store.currentCheckpoint(now: now)
        var size: UInt64
        var root: [UInt8]
        if let head {
            size = head.size
            root = head.root
            if let verifier {
                // The root the proofs are checked against is the signed one, not the stored column.
                guard let checkpoint = try? Checkpoint.open(head.note, verifier: verifier), checkpoint.size == head.size
                else { throw LeakTraceDamage(index: Int64(head.size)) }
                size = checkpoint.size
                root = checkpoint.root
            }
        } else {
            (size, root) = try await store.treeHead()
        }
        var providers: [JSONValue] = []
        for (provider, tally) in byProvider.sorted(by: { $0.key < $1.key }) {
            var o = try await section(tally, size: size, root: root)
            o["provider"] = .string(provider)
            providers.append(.object(o))
        }
        var sharedOut: [JSONValue] = []
        for (key, tally) in shared.sorted(by: { $0.key < $1.key }) {
            var o = try await section(tally, size: size, root: root)
            o["providers"] = .array(key.split(separator: ",").map { .string(String($0)) })
            sharedOut.append(.object(o))
        }
        let traced = byProvider.values.reduce(0) { $0 + $1.occurrences } + shared.values.reduce(0) { $0 + $1.occurrences }
        var body = JSONObject([
            ("candidates", .number(String(scanner.occurrences))), ("traced", .number(String(traced))),
            ("providers", .array(providers)), ("shared", .array(sharedOut)),
        ])
        body["summary"] = .string(
            traced == 0
                ? "Nothing in this file was traced: it holds no token or pseudonym that discreet released."
                : "\(traced) of the file's values were released by discreet: see each provider's entries and proofs.")
        body["tree_size"] = .number(String(size))
        body["root"] = .string(Data(root).base64EncodedString())
        body["checkpoint"] = head.map { .string($0.note) } ?? .null
        return .object(body)
    }

    /// One provider's (or one shared group's) part: counts, subjects, every entry index, and the
    /// first entries' proofs, each entry checked first.
    private func section(_ t: Tally, size: UInt64, root: [UInt8]) async throws -> JSONObject {
        let indexes = t.entries.keys.sorted()
        var proofs: [JSONValue] = []
        for index in indexes {
            let entry = try await checkedEntry(index, shows: t.entries[index]!)
            guard proofs.count < Self.proofsPerProvider, UInt64(index) < size else { continue }
            proofs.append(try await proof(entry, size: size, root: root))
        }
        var o = JSONObject([
            ("values", .number(String(t.occurrences))), ("references", .number(String(t.references.count))),
            ("tokens", .number(String(t.tokens))), ("pseudonyms", .number(String(t.pseudonyms))),
            ("subjects", .array(t.subjects.sorted().map(JSONValue.string))),
            ("ledger_indexes", .array(indexes.map { .number(String($0)) })),
            ("proofs", .array(proofs)),
        ])
        o["proofs_omitted"] = .number(String(indexes.count - proofs.count))
        return o
    }

    /// The entry at `index`, which must hash to its leaf and name the provider and subject of
    /// every reference it is the first disclosure of (and, for a token, that token).
    private func checkedEntry(_ index: Int64, shows refs: [DisclosedReference]) async throws -> LedgerEntry {
        guard let e = try await store.entry(index: index), RFC6962.leafHash(e.entry) == e.leafHash,
            let object = (try? JSONParser.parse(e.entry))?.objectValue
        else { throw LeakTraceDamage(index: index) }
        var tokens = Set((object["fields"]?.arrayValue ?? []).compactMap { $0.objectValue?["token"]?.stringValue })
        if let subjectToken = object["subject_token"]?.stringValue { tokens.insert(subjectToken) }
        for r in refs {
            guard object["provider"]?.stringValue == r.providerID, object["subject"]?.stringValue == r.subjectID,
                r.kind != .token || tokens.contains(r.value)
            else { throw LeakTraceDamage(index: index) }
        }
        return e
    }

    private func proof(_ e: LedgerEntry, size: UInt64, root: [UInt8]) async throws -> JSONValue {
        let index = UInt64(e.index)
        let ranges = ProofPlan.inclusion(index: index, size: size)
        let stored = try await store.subtreeHashes(ProofPlan.subtrees(ranges))
        guard let path = ProofPlan.hashes(of: ranges, from: stored) else { throw LeakTraceDamage(index: e.index) }
        do {
            try ProofVerifier.verifyInclusion(leafHash: e.leafHash, index: index, size: size, proof: path, root: root)
        } catch {
            throw LeakTraceDamage(index: e.index)
        }
        return .object(
            JSONObject([
                ("ledger_index", .number(String(e.index))), ("leaf_hash", .string(Data(e.leafHash).base64EncodedString())),
                ("entry", .string(String(decoding: e.entry, as: UTF8.self))),
                ("proof", .array(path.map { .string(Data($0).base64EncodedString()) })),
            ]))
    }
}

extension LeakTrace.Tally {
    mutating func add(_ value: String, _ count: Int, _ rows: [DisclosedReference]) {
        occurrences += count
        // A value seen again in a later batch adds to the count only.
        guard references.insert(value).inserted else { return }
        if rows[0].kind == .token { tokens += 1 } else { pseudonyms += 1 }
        for r in rows {
            subjects.insert(r.subjectID)
            entries[r.firstIndex, default: []].append(r)
        }
    }
}

/// An entry the trace relies on does not match the ledger: the trace is refused, not reported.
public struct LeakTraceDamage: Error, CustomStringConvertible {
    public var index: Int64

    public var description: String {
        "the ledger entry at index \(index) does not match what the ledger recorded: run 'discreet verify'"
    }
}
