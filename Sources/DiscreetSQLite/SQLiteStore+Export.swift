import DiscreetPolicy
import DiscreetStore
import Foundation
import GRDB

extension SQLiteStore {
    /// Every row, read in one transaction, for `discreet migrate`.
    public func exportRows() async throws -> StoreRows {
        try await pool.read { db in
            var rows = StoreRows()
            for r in try Row.fetchAll(db, sql: "SELECT id, doc FROM providers ORDER BY id") {
                rows.providers.append(.init(id: r["id"], doc: r["doc"]))
            }
            for r in try Row.fetchAll(db, sql: "SELECT provider_id, valid_from, doc FROM provider_versions ORDER BY seq") {
                rows.providerVersions.append(.init(providerID: r["provider_id"], validFrom: r["valid_from"], doc: r["doc"]))
            }
            for r in try Row.fetchAll(db, sql: "SELECT id, doc FROM subjects ORDER BY id") {
                rows.subjects.append(.init(id: r["id"], doc: r["doc"]))
            }
            for r in try Row.fetchAll(db, sql: "SELECT id, subject_id, receipt_id, doc FROM consents ORDER BY rowid") {
                rows.consents.append(.init(id: r["id"], subjectID: r["subject_id"], receiptID: r["receipt_id"], doc: r["doc"]))
            }
            for r in try Row.fetchAll(db, sql: "SELECT id, digest, roles, label, created_at FROM api_keys ORDER BY id") {
                let digest: Data = r["digest"]
                rows.keys.append(
                    .init(id: r["id"], digest: Array(digest), roles: r["roles"], label: r["label"], createdAt: r["created_at"]))
            }
            for r in try Row.fetchAll(db, sql: "SELECT * FROM policies ORDER BY revision") {
                rows.policies.append(
                    .init(
                        revision: r["revision"], label: r["label"], digest: r["digest"], source: r["source"],
                        activatedAt: r["activated_at"]))
            }
            for r in try Row.fetchAll(db, sql: "SELECT * FROM disclosures ORDER BY ledger_index") {
                let entry: Data = r["entry"]
                let leaf: Data = r["leaf_hash"]
                rows.entries.append(
                    .init(
                        index: r["ledger_index"], disclosureID: r["disclosure_id"], subjectID: r["subject_id"],
                        providerID: r["provider_id"], purpose: r["purpose"], recordedAt: r["recorded_at"], entry: Array(entry),
                        leafHash: Array(leaf)))
            }
            for r in try Row.fetchAll(db, sql: "SELECT level, idx, hash FROM merkle_nodes ORDER BY level, idx") {
                let hash: Data = r["hash"]
                rows.nodes.append(.init(level: r["level"], index: r["idx"], hash: Array(hash)))
            }
            for r in try Row.fetchAll(db, sql: "SELECT * FROM checkpoints ORDER BY size") {
                let root: Data = r["root"]
                rows.checkpoints.append(.init(size: r["size"], root: Array(root), note: r["note"], createdAt: r["created_at"]))
            }
            for r in try Row.fetchAll(db, sql: "SELECT size, witness, line FROM cosignatures ORDER BY size, witness") {
                let size: Int64 = r["size"]
                rows.cosignatures.append(StoredCosignature(witness: r["witness"], size: UInt64(clamping: size), line: r["line"]))
            }
            for r in try Row.fetchAll(db, sql: "SELECT id, status, invoked_at, doc FROM exception_reviews ORDER BY id") {
                rows.reviews.append(.init(id: r["id"], status: r["status"], invokedAt: r["invoked_at"], doc: r["doc"]))
            }
            for r in try Row.fetchAll(db, sql: "SELECT * FROM alert_outbox ORDER BY id") {
                let body: Data = r["body"]
                rows.alerts.append(
                    .init(
                        body: Array(body), createdAt: r["created_at"], attempts: r["attempts"],
                        nextAttemptAt: r["next_attempt_at"], deliveredAt: r["delivered_at"], lastError: r["last_error"]))
            }
            rows.recalls = try Row.fetchAll(db, sql: "SELECT * FROM recalls ORDER BY id").map(Self.recall)
            rows.tokens = try Row.fetchAll(db, sql: "SELECT * FROM tokens ORDER BY token").map(TokenRecord.init(row:))
            rows.references = try Row.fetchAll(db, sql: "SELECT * FROM disclosed_references ORDER BY reference")
                .map(DisclosedReference.init(row:))
            return rows
        }
    }
}
