import DiscreetLedger
import DiscreetPolicy
import DiscreetStore
import Foundation
import PostgresNIO

extension PostgresStore {
    public func append(_ entry: LedgerAppend) async throws -> LedgerReceipt { try await ledger.append(entry) }
    public func append(_ entries: [LedgerAppend]) async throws -> [LedgerReceipt] { try await ledger.append(entries) }

    public func entries(subjectID: String) async throws -> [LedgerEntry] {
        try await bounded { [self] () async throws -> [LedgerEntry] in
            try await entries(
                "SELECT ledger_index, entry, leaf_hash FROM disclosures WHERE subject_id = \(subjectID) ORDER BY ledger_index")
        }
    }

    public func entries(subjectID: String, after: Int64?, limit: Int) async throws -> [LedgerEntry] {
        try await bounded { [self] () async throws -> [LedgerEntry] in
            let after = after ?? -1
            return try await entries(
                """
                SELECT ledger_index, entry, leaf_hash FROM disclosures WHERE subject_id = \(subjectID) AND ledger_index > \(after)
                ORDER BY ledger_index LIMIT \(limit)
                """)
        }
    }

    public func deliveryEntries(subjectID: String) async throws -> [LedgerEntry] {
        try await bounded { [self] () async throws -> [LedgerEntry] in
            try await entries(
                """
                SELECT ledger_index, entry, leaf_hash FROM disclosures WHERE subject_id = \(subjectID) AND disclosure_id LIKE 'dlv-%'
                ORDER BY ledger_index
                """)
        }
    }

    public func entry(index: Int64) async throws -> LedgerEntry? {
        try await bounded { [self] () async throws -> LedgerEntry? in
            try await entries("SELECT ledger_index, entry, leaf_hash FROM disclosures WHERE ledger_index = \(index)").first
        }
    }

    /// Every entry from `start`, in index order, a page of `limit` rows (for `verify`).
    public func entries(from start: Int64, limit: Int) async throws -> [LedgerEntry] {
        try await bounded { [self] () async throws -> [LedgerEntry] in
            try await entries(
                "SELECT ledger_index, entry, leaf_hash FROM disclosures WHERE ledger_index >= \(start) ORDER BY ledger_index LIMIT \(limit)"
            )
        }
    }

    func entries(_ query: PostgresQuery) async throws -> [LedgerEntry] {
        var out: [LedgerEntry] = []
        for try await (index, entry, leaf) in try await client.query(query, logger: logger).decode(
            (Int64, ByteBuffer, ByteBuffer).self)
        {
            out.append(LedgerEntry(index: index, leafHash: Self.bytes(leaf), entry: Self.bytes(entry)))
        }
        return out
    }

    public func entryCount() async throws -> Int64 {
        try await bounded { [self] () async throws -> Int64 in
            for try await n in try await client.query("SELECT COUNT(*) FROM disclosures", logger: logger).decode(Int64.self) {
                return n
            }
            return 0
        }
    }

    /// The committed tree, read each time: another replica may have appended since.
    public func treeHead() async throws -> (size: UInt64, root: [UInt8]) {
        try await bounded { [self] () async throws -> (size: UInt64, root: [UInt8]) in
            let range = try await client.withConnection { try await PostgresLedgerWriter.head($0, logger) }
            return (range.size, range.root)
        }
    }

    public func subtreeHashes(_ ids: [NodeID]) async throws -> [NodeID: [UInt8]] {
        try await bounded { [self] () async throws -> [NodeID: [UInt8]] in
            guard !ids.isEmpty else { return [:] }
            let levels = ids.map { Int32($0.level) }
            let indexes = ids.map { Int64($0.index) }
            let rows = try await client.query(
                """
                SELECT n.level, n.idx, n.hash FROM merkle_nodes n
                JOIN unnest(\(levels)::int[], \(indexes)::bigint[]) AS wanted(level, idx) USING (level, idx)
                """, logger: logger)
            var out: [NodeID: [UInt8]] = [:]
            for try await (level, index, hash) in rows.decode((Int32, Int64, ByteBuffer).self) {
                out[NodeID(level: Int(level), index: UInt64(index))] = Self.bytes(hash)
            }
            return out
        }
    }

    /// The newest stored checkpoint; when the tree has grown past it and this replica signs, one
    /// is signed for the committed tree first.
    public func currentCheckpoint(now: Date) async throws -> StoredCheckpoint? {
        try await bounded { [self] () async throws -> StoredCheckpoint? in
            if let signer = ledger.writer.signer {
                let head = try await treeHead()
                if try await latestCheckpoint().map({ $0.size < head.size }) ?? true {
                    let note = try signer(head.size, head.root)
                    try await client.withConnection {
                        try await PostgresLedgerWriter.storeCheckpoint(
                            size: head.size, root: head.root, note: note, at: now, $0, logger)
                    }
                }
            }
            return try await latestCheckpoint()
        }
    }

    public func latestCheckpoint() async throws -> StoredCheckpoint? {
        try await bounded { [self] () async throws -> StoredCheckpoint? in
            try await checkpoints("SELECT size, root, note, created_at FROM checkpoints ORDER BY size DESC LIMIT 1").first
        }
    }

    /// Every stored checkpoint, smallest first.
    public func checkpoints() async throws -> [StoredCheckpoint] {
        try await bounded { [self] () async throws -> [StoredCheckpoint] in
            try await checkpoints("SELECT size, root, note, created_at FROM checkpoints ORDER BY size")
        }
    }

    func checkpoints(_ query: PostgresQuery) async throws -> [StoredCheckpoint] {
        var out: [StoredCheckpoint] = []
        for try await (size, root, note, created) in try await client.query(query, logger: logger).decode(
            (Int64, ByteBuffer, String, String).self)
        {
            out.append(
                StoredCheckpoint(
                    size: UInt64(size), root: Self.bytes(root), note: note,
                    createdAt: RFC3339.parse(created) ?? Date(timeIntervalSince1970: 0)))
        }
        return out
    }
}
