// The real application with either the durable ledger or a no-op one, so that a load script can
// measure what durability costs on the same endpoint, in the same run. A benchmark tool only: the
// product binary has no way to turn the ledger off.
import Crypto
import DiscreetLedger
import DiscreetPolicy
import DiscreetSQLite
import DiscreetServer
import DiscreetStore
import Foundation
import Hummingbird
import Logging
import Synchronization

/// The SQLite store with appends answered at once and never written.
struct NoopLedgerStore: DiscreetStore {
    let base: SQLiteStore
    let counter = Counter()

    final class Counter: Sendable {
        let value = Synchronization.Mutex<Int64>(0)
        func next() -> Int64 {
            value.withLock { v in
                defer { v += 1 }; return v
            }
        }
    }

    func append(_ entry: LedgerAppend) async throws -> LedgerReceipt {
        LedgerReceipt(index: counter.next(), leafHash: RFC6962.leafHash(entry.entry))
    }
    func append(_ entries: [LedgerAppend]) async throws -> [LedgerReceipt] {
        entries.map { LedgerReceipt(index: counter.next(), leafHash: RFC6962.leafHash($0.entry)) }
    }
    func isWritable() async -> Bool { await base.isWritable() }
    func putProvider(_ p: Provider, at t: Date) async throws -> Bool { try await base.putProvider(p, at: t) }
    func replaceProviderKeepingSuspension(_ p: Provider, at t: Date) async throws -> (provider: Provider, created: Bool) {
        try await base.replaceProviderKeepingSuspension(p, at: t)
    }
    func provider(id: String) async throws -> Provider? { try await base.provider(id: id) }
    func providers() async throws -> [Provider] { try await base.providers() }
    func deleteProvider(id: String, at t: Date) async throws -> Bool { try await base.deleteProvider(id: id, at: t) }
    func setSuspended(providerID: String, _ s: Bool, at t: Date) async throws -> Provider? {
        try await base.setSuspended(providerID: providerID, s, at: t)
    }
    func provider(id: String, at t: Date) async throws -> ProviderAsOf { try await base.provider(id: id, at: t) }
    func providerVersions(id: String) async throws -> [ProviderVersion] { try await base.providerVersions(id: id) }
    func putSubject(_ s: Subject) async throws -> Bool { try await base.putSubject(s) }
    func subject(id: String) async throws -> Subject? { try await base.subject(id: id) }
    func insertConsent(_ c: Consent) async throws { try await base.insertConsent(c) }
    func consents(subjectID: String) async throws -> [Consent] { try await base.consents(subjectID: subjectID) }
    func consent(subjectID: String, idOrReceiptID: String) async throws -> Consent? {
        try await base.consent(subjectID: subjectID, idOrReceiptID: idOrReceiptID)
    }
    func withdraw(_ consent: Consent, openingRecalls plan: @escaping RecallPlanner) async throws -> (
        consent: Consent, recalls: [Recall]
    )? { try await base.withdraw(consent, openingRecalls: plan) }
    func expiredConsentsNotEnded(now: Date, limit: Int) async throws -> [Consent] { [] }
    func endExpiredConsent(_ consent: Consent, at time: Date, openingRecalls plan: @escaping RecallPlanner) async throws
        -> [Recall]?
    { nil }
    func openRecalls(subjectID: String, plan: @escaping RecallPlanner) async throws -> [Recall] { [] }
    func recall(id: String) async throws -> Recall? { nil }
    func recalls(status: Recall.Status?, providerID: String?, after: String?, limit: Int) async throws -> [Recall] { [] }
    func recalls(subjectID: String) async throws -> [Recall] { [] }
    func claimDueRecalls(now: Date, lease: TimeInterval, limit: Int) async throws -> [Recall] { [] }
    func recallsWithoutOpenedEntry(openedBefore before: Date, limit: Int) async throws -> [Recall] { [] }
    func markRecallAttempt(id: String, attempts: Int, retryAt: Date, error: String?) async throws {}
    func insertKey(_ k: APIKeyRecord) async throws { try await base.insertKey(k) }
    func key(id: String) async throws -> APIKeyRecord? { try await base.key(id: id) }
    func keyCount() async throws -> Int { try await base.keyCount() }
    func insertFirstKey(_ k: APIKeyRecord) async throws -> Bool { try await base.insertFirstKey(k) }
    func savePolicy(label: String, digest: String, source: String, at: Date) async throws -> StoredPolicy {
        try await base.savePolicy(label: label, digest: digest, source: source, at: at)
    }
    func currentPolicy() async throws -> StoredPolicy? { try await base.currentPolicy() }
    func entries(subjectID: String) async throws -> [LedgerEntry] { [] }
    func entries(subjectID: String, after: Int64?, limit: Int) async throws -> [LedgerEntry] { [] }
    func deliveryEntries(subjectID: String) async throws -> [LedgerEntry] { [] }
    func entryCount() async throws -> Int64 { 0 }
    func entry(index: Int64) async throws -> LedgerEntry? { nil }
    func entries(from start: Int64, limit: Int) async throws -> [LedgerEntry] { [] }
    func treeHead() async throws -> (size: UInt64, root: [UInt8]) { (0, RFC6962.emptyRoot) }
    func subtreeHashes(_ ids: [NodeID]) async throws -> [NodeID: [UInt8]] { [:] }
    func currentCheckpoint(now: Date) async throws -> StoredCheckpoint? { nil }
    func exceptionReviews(status: ExceptionReview.Status?) async throws -> [ExceptionReview] { [] }
    func exceptionReview(id: String) async throws -> ExceptionReview? { nil }
    func recordReview(
        id: String, verdict: ExceptionReview.Status, reviewer: String, comment: String, by keyID: String, at: Date
    ) async throws -> ExceptionReview { throw ReviewRefusal.notFound }
    func enqueueAlert(_ body: [UInt8], at: Date) async throws {}
    func takeWitnessTurn(_ witness: String, owner: String, now: Date, until: Date) async throws -> UInt64? { nil }
    func endWitnessTurn(
        _ witness: String, owner: String, size: UInt64?, cosignature: StoredCosignature?, nextTurn: Date
    ) async throws {}
    func cosignatures(size: UInt64) async throws -> [StoredCosignature] { [] }
    func witnessedNotes() async throws -> [String] { [] }
    func stageConsents(importID: String, _ consents: [Consent]) async throws {
        try await base.stageConsents(importID: importID, consents)
    }
    func commitStagedConsents(importID: String) async throws -> Int { try await base.commitStagedConsents(importID: importID) }
    func discardStagedConsents(importID: String) async throws { try await base.discardStagedConsents(importID: importID) }
    func insertConsents(_ consents: [Consent]) async throws { try await base.insertConsents(consents) }
    func dueAlerts(now: Date, limit: Int) async throws -> [OutboxAlert] { [] }
    func markDelivered(alertID: Int64, at: Date) async throws {}
    func markFailed(alertID: Int64, attempts: Int, retryAt: Date, error: String) async throws {}
    func undeliveredAlertCount() async throws -> Int { 0 }
    func issueTokens(providerID: String, subjectID: String, candidates: [String: String], at: Date) async throws
        -> [String: String]
    {
        try await base.issueTokens(providerID: providerID, subjectID: subjectID, candidates: candidates, at: at)
    }
    func token(_ token: String) async throws -> TokenRecord? { try await base.token(token) }
    func disclosedReferences(_ values: [String]) async throws -> [DisclosedReference] { [] }
    func decisionState(providerID: String, subjectID: String) async throws -> DecisionState {
        try await base.decisionState(providerID: providerID, subjectID: subjectID)
    }
}

let args = CommandLine.arguments
func option(_ name: String, _ fallback: String) -> String {
    guard let i = args.firstIndex(of: name), i + 1 < args.count else { return fallback }
    return args[i + 1]
}
let mode = option("--ledger", "durable")
let port = Int(option("--port", "8090"))!
let dir = option("--data-dir", NSTemporaryDirectory() + "discreet-bench-" + UUID().uuidString)

let key = NoteSigningKey(name: "bench/ledger", privateKey: .init())
let sqlite = try SQLiteStore(directory: dir, checkpointSigner: LedgerSigningKey.signer(key, origin: "bench/ledger"))
let store: any DiscreetStore = mode == "noop" ? NoopLedgerStore(base: sqlite) : sqlite
let holder = PolicyHolder()
_ = try await holder.install(source: DemoPolicy.source, store: sqlite, now: Date())
for provider in try BundleParser.parse(DemoPolicy.source).fixtures.providers.values { _ = try await sqlite.putProvider(provider) }
let (apiKey, record) = APIKeys.generate(roles: [.discloser, .auditor, .consentManager], label: "bench", now: Date())
try await sqlite.insertKey(record)
FileHandle.standardOutput.write(Data("\(apiKey)\n".utf8))
// Logged as `discreet serve` logs by default: a text line a request at info, on standard error.
var logger = Logger(label: "bench") { LineLogHandler(label: $0, format: .text) }
logger.logLevel = .info
let services = DiscreetServices(
    store: store, policy: holder, secrets: ServiceSecrets(master: SymmetricKey(size: .bits256)),
    receipts: await ConsentReceipts(privateKey: .init(), controller: "bench"),
    configuration: ServiceConfiguration(port: port), ledgerKey: key.verifier)
try await buildApplication(services, logger: logger).runService()
