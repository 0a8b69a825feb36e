import DiscreetLedger
import DiscreetPolicy
import DiscreetStore
import PostgresNIO

extension PostgresStore {
    /// Copies every row of another store into this one, in one transaction: all or nothing.
    /// Refused when this store already holds anything (`PostgresTargetNotEmpty`), so a copy never
    /// mixes with a live ledger. The ledger head is rebuilt from the copied leaves.
    public func importRows(_ rows: StoreRows) async throws {
        try await transaction { tx in
            try await tx.query("LOCK TABLE ledger_head IN EXCLUSIVE MODE", logger: logger)
            for table in [
                "providers", "subjects", "consents", "api_keys", "policies", "disclosures", "merkle_nodes", "checkpoints",
                "exception_reviews", "alert_outbox", "tokens", "disclosed_references", "cosignatures", "provider_versions",
                "recalls",
            ] {
                for try await n in try await tx.query(
                    PostgresQuery(unsafeSQL: "SELECT COUNT(*) FROM \(table)"), logger: logger
                ).decode(Int64.self) where n > 0 {
                    throw PostgresTargetNotEmpty(table: table)
                }
            }
            for p in rows.providers {
                try await tx.query("INSERT INTO providers (id, doc) VALUES (\(p.id), \(p.doc))", logger: logger)
            }
            for v in rows.providerVersions {
                try await tx.query(
                    "INSERT INTO provider_versions (provider_id, valid_from, doc) VALUES (\(v.providerID), \(v.validFrom), \(v.doc))",
                    logger: logger)
            }
            for r in rows.recalls { try await Self.insert(r, tx, logger) }
            for s in rows.subjects {
                try await tx.query("INSERT INTO subjects (id, doc) VALUES (\(s.id), \(s.doc))", logger: logger)
            }
            for c in rows.consents {
                try await tx.query(
                    "INSERT INTO consents (id, subject_id, receipt_id, doc) VALUES (\(c.id), \(c.subjectID), \(c.receiptID), \(c.doc))",
                    logger: logger)
            }
            for k in rows.keys {
                try await tx.query(
                    """
                    INSERT INTO api_keys (id, digest, roles, label, created_at)
                    VALUES (\(k.id), \(ByteBuffer(bytes: k.digest)), \(k.roles), \(k.label), \(k.createdAt))
                    """, logger: logger)
            }
            for p in rows.policies {
                try await tx.query(
                    """
                    INSERT INTO policies (revision, label, digest, source, activated_at)
                    VALUES (\(p.revision), \(p.label), \(p.digest), \(p.source), \(p.activatedAt))
                    """, logger: logger)
            }
            var range = CompactRange()
            for e in rows.entries {
                guard e.index == Int64(range.size) else {
                    throw PostgresStoreDamaged(detail: "the source ledger has a gap at \(range.size)")
                }
                _ = range.append(leafHash: e.leafHash)
                try await tx.query(
                    """
                    INSERT INTO disclosures
                        (ledger_index, disclosure_id, subject_id, provider_id, purpose, recorded_at, entry, leaf_hash)
                    VALUES (\(e.index), \(e.disclosureID), \(e.subjectID), \(e.providerID), \(e.purpose), \(e.recordedAt),
                            \(ByteBuffer(bytes: e.entry)), \(ByteBuffer(bytes: e.leafHash)))
                    """, logger: logger)
            }
            for n in rows.nodes {
                try await tx.query(
                    "INSERT INTO merkle_nodes (level, idx, hash) VALUES (\(n.level), \(n.index), \(ByteBuffer(bytes: n.hash)))",
                    logger: logger)
            }
            for c in rows.checkpoints {
                try await tx.query(
                    """
                    INSERT INTO checkpoints (size, root, note, created_at)
                    VALUES (\(c.size), \(ByteBuffer(bytes: c.root)), \(c.note), \(c.createdAt))
                    """, logger: logger)
            }
            for r in rows.reviews {
                try await tx.query(
                    "INSERT INTO exception_reviews (id, status, invoked_at, doc) VALUES (\(r.id), \(r.status), \(r.invokedAt), \(r.doc))",
                    logger: logger)
            }
            for a in rows.alerts {
                try await tx.query(
                    """
                    INSERT INTO alert_outbox (body, created_at, attempts, next_attempt_at, delivered_at, last_error)
                    VALUES (\(ByteBuffer(bytes: a.body)), \(a.createdAt), \(a.attempts), \(a.nextAttemptAt), \(a.deliveredAt),
                            \(a.lastError))
                    """, logger: logger)
            }
            for t in rows.tokens {
                try await tx.query(
                    """
                    INSERT INTO tokens (token, provider_id, subject_id, field, issued_at)
                    VALUES (\(t.token), \(t.providerID), \(t.subjectID), \(t.field), \(RFC3339.format(t.issuedAt)))
                    """, logger: logger)
            }
            for c in rows.cosignatures {
                try await tx.query(
                    "INSERT INTO cosignatures (size, witness, line) VALUES (\(Int64(clamping: c.size)), \(c.witness), \(c.line))",
                    logger: logger)
            }
            for r in rows.references {
                try await tx.query(
                    """
                    INSERT INTO disclosed_references (reference, kind, provider_id, subject_id, field, first_index)
                    VALUES (\(r.value), \(r.kind.rawValue), \(r.providerID), \(r.subjectID), \(r.field), \(r.firstIndex))
                    """, logger: logger)
            }
            let size = Int64(range.size)
            let edge = ByteBuffer(bytes: range.hashes.flatMap { $0 })
            try await tx.query("UPDATE ledger_head SET size = \(size), edge = \(edge) WHERE id = 1", logger: logger)
        }
    }
}

/// `discreet migrate` runs into an empty database only.
public struct PostgresTargetNotEmpty: Error, CustomStringConvertible {
    public var table: String

    public var description: String {
        "the target database already holds data (\(table) is not empty); migrate into an empty database"
    }
}
