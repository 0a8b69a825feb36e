import DiscreetStore
import Foundation
import PostgresNIO

extension PostgresStore {
    public func takeWitnessTurn(_ witness: String, owner: String, now: Date, until: Date) async throws -> UInt64? {
        let (start, end) = (now.timeIntervalSince1970, until.timeIntervalSince1970)
        return try await bounded { [self] () async throws -> UInt64? in
            try await transaction { tx in
                try await tx.query(
                    "INSERT INTO witness_turns (witness) VALUES (\(witness)) ON CONFLICT (witness) DO NOTHING", logger: logger)
                // One statement decides the turn: of replicas racing for it, one row update wins.
                for try await size in try await tx.query(
                    """
                    UPDATE witness_turns SET owner = \(owner), turn_until = \(end)
                    WHERE witness = \(witness) AND turn_until <= \(start) RETURNING size
                    """, logger: logger
                ).decode(Int64.self) {
                    return UInt64(clamping: size)
                }
                return nil
            }
        }
    }

    public func endWitnessTurn(
        _ witness: String, owner: String, size: UInt64?, cosignature: StoredCosignature?, nextTurn: Date
    ) async throws {
        let next = nextTurn.timeIntervalSince1970
        let newSize = size.map { Int64(clamping: $0) }
        try await bounded { [self] () async throws in
            try await transaction { tx in
                if let c = cosignature {
                    try await tx.query(
                        """
                        INSERT INTO cosignatures (size, witness, line) VALUES (\(Int64(clamping: c.size)), \(c.witness), \(c.line))
                        ON CONFLICT (size, witness) DO NOTHING
                        """, logger: logger)
                }
                try await tx.query(
                    """
                    UPDATE witness_turns SET size = COALESCE(\(newSize), size), owner = NULL, turn_until = \(next)
                    WHERE witness = \(witness) AND owner = \(owner)
                    """, logger: logger)
            }
        }
    }

    public func cosignatures(size: UInt64) async throws -> [StoredCosignature] {
        try await bounded { [self] () async throws -> [StoredCosignature] in
            var out: [StoredCosignature] = []
            for try await (witness, line) in try await client.query(
                "SELECT witness, line FROM cosignatures WHERE size = \(Int64(clamping: size)) ORDER BY witness", logger: logger
            ).decode((String, String).self) {
                out.append(StoredCosignature(witness: witness, size: size, line: line))
            }
            return out
        }
    }
}

extension PostgresStore {
    public func witnessedNotes() async throws -> [String] {
        try await bounded { [self] () async throws -> [String] in
            var rows: [(Int64, String, String?)] = []
            for try await row in try await client.query(
                """
                SELECT c.size, c.note, s.line
                FROM checkpoints c LEFT JOIN cosignatures s ON s.size = c.size
                WHERE c.size = (SELECT MAX(size) FROM checkpoints)
                   OR c.size IN (SELECT DISTINCT size FROM cosignatures ORDER BY size DESC LIMIT 20)
                ORDER BY c.size DESC, s.witness
                """, logger: logger
            ).decode((Int64, String, String?).self) {
                rows.append(row)
            }
            return WitnessedNotes.group(rows)
        }
    }
}
