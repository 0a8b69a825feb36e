import Crypto
import DiscreetLedger
import DiscreetPolicy
import DiscreetSQLite
import DiscreetStore
import Foundation
import GRDB
import Testing

/// `discreet verify`'s audit on a real SQLite file: each tampering is detected and located.
@Suite struct TamperingTests {
    static let key = NoteSigningKey(name: "t/ledger", privateKey: try! .init(rawRepresentation: Data(repeating: 4, count: 32)))
    static let signer: CheckpointSigner = { size, root in
        try Checkpoint(origin: "t/ledger", size: size, root: root).signed(with: key)
    }

    static let t0 = Date(timeIntervalSince1970: 1_780_000_000)

    /// An entry as the service writes one: the columns the store indexes it by are in it.
    static func entry(_ n: Int, subject: String = "s") -> [UInt8] {
        Array(
            #"{"id":"d-\#(n)","n":\#(n),"provider":"p","purpose":"u","subject":"\#(subject)","time":"\#(RFC3339.format(t0))"}"#
                .utf8)
    }

    /// A ledger of 20 entries with checkpoints at sizes 1 and 20.
    static func ledger() async throws -> String {
        let dir = NSTemporaryDirectory() + "discreet-tamper-" + UUID().uuidString
        let store = try SQLiteStore(directory: dir, checkpointSigner: signer, ledgerDeadline: TestDeadline.ledger)
        for i in 0..<20 {
            _ = try await store.append(
                LedgerAppend(
                    disclosureID: "d-\(i)", subjectID: "s", providerID: "p", purpose: "u", recordedAt: t0, entry: entry(i)))
        }
        _ = try await store.currentCheckpoint(now: Self.t0)
        return dir
    }

    static func tamper(_ dir: String, _ sql: String) throws {
        let db = try DatabaseQueue(path: dir + "/" + SQLiteStore.fileName)
        try db.write { db in
            for t in [
                "disclosures_append_only_update", "disclosures_append_only_delete", "merkle_nodes_append_only_update",
                "merkle_nodes_append_only_delete",
            ] {
                try db.execute(sql: "DROP TRIGGER \(t)")
            }
            try db.execute(sql: sql)
        }
    }

    static func audit(_ dir: String) throws -> LedgerAudit.Report {
        try LedgerSnapshot.audit(directory: dir, verifier: key.verifier)
    }

    @Test func anIntactLedgerPasses() async throws {
        let report = try Self.audit(try await Self.ledger())
        #expect(report.finding == nil)
        #expect(report.entries == 20)
        #expect(report.checkpointsChecked == 2)
        #expect(report.subtreesChecked == 20 - 20.nonzeroBitCount)
    }

    @Test func anEditedEntryIsLocated() async throws {
        let dir = try await Self.ledger()
        try Self.tamper(dir, "UPDATE disclosures SET entry = CAST('{\"n\":999}' AS BLOB) WHERE ledger_index = 7")
        #expect(try Self.audit(dir).finding == .edited(index: 7))
    }

    @Test func anEditedEntryWithItsLeafHashRewrittenIsStillLocated() async throws {
        let dir = try await Self.ledger()
        // A well-formed entry of the same row, saying something else.
        let text = String(decoding: Self.entry(7), as: UTF8.self).replacingOccurrences(of: "\"n\":7", with: "\"n\":999")
        let forged = Data(RFC6962.leafHash(Array(text.utf8)))
        let hex = forged.map { String(format: "%02X", $0) }.joined()
        try Self.tamper(
            dir,
            """
            UPDATE disclosures SET entry = CAST('\(text)' AS BLOB), leaf_hash = X'\(hex)' WHERE ledger_index = 7;
            UPDATE merkle_nodes SET hash = X'\(hex)' WHERE level = 0 AND idx = 7;
            """)
        let finding = try #require(try Self.audit(dir).finding)
        // The recorded parent of leaf 7 no longer matches: located to the subtree holding 7.
        guard case .subtreeMismatch(let id) = finding else {
            Issue.record("unexpected \(finding)")
            return
        }
        #expect(id.leaves.contains(7))
    }

    @Test func aRemovedEntryIsLocated() async throws {
        let renumbered = try await Self.ledger()
        try Self.tamper(
            renumbered,
            "DELETE FROM disclosures WHERE ledger_index = 7; UPDATE disclosures SET ledger_index = ledger_index - 1 WHERE ledger_index > 7"
        )
        #expect(try Self.audit(renumbered).finding == .removed(index: 7))
        let gap = try await Self.ledger()
        try Self.tamper(gap, "DELETE FROM disclosures WHERE ledger_index = 7")
        #expect(try Self.audit(gap).finding == .removed(index: 7))
        let last = try await Self.ledger()
        try Self.tamper(last, "DELETE FROM disclosures WHERE ledger_index = 19")
        #expect(try Self.audit(last).finding == .removed(index: 19))
    }

    @Test func anInsertedEntryIsLocated() async throws {
        let dir = try await Self.ledger()
        try Self.tamper(
            dir,
            """
            UPDATE disclosures SET ledger_index = -(ledger_index + 1) WHERE ledger_index >= 7;
            UPDATE disclosures SET ledger_index = -ledger_index WHERE ledger_index < 0;
            INSERT INTO disclosures (ledger_index, disclosure_id, subject_id, provider_id, purpose, recorded_at, entry, leaf_hash)
                VALUES (7, 'forged', 's', 'p', 'u', '2026-01-01T00:00:00Z', CAST('{"forged":1}' AS BLOB), X'00');
            """)
        #expect(try Self.audit(dir).finding == .inserted(index: 7))
    }

    @Test func reorderedEntriesAreLocated() async throws {
        let dir = try await Self.ledger()
        try Self.tamper(
            dir,
            """
            UPDATE disclosures SET ledger_index = -1 WHERE ledger_index = 7;
            UPDATE disclosures SET ledger_index = 7 WHERE ledger_index = 8;
            UPDATE disclosures SET ledger_index = 8 WHERE ledger_index = -1;
            """)
        #expect(try Self.audit(dir).finding == .reordered(index: 7))
    }

    @Test func aCheckpointFromAnotherKeyIsRefused() async throws {
        let dir = try await Self.ledger()
        let other = NoteSigningKey(name: "t/ledger", privateKey: .init())
        let fake = try Checkpoint(origin: "t/ledger", size: 20, root: [UInt8](repeating: 1, count: 32)).signed(with: other)
        let db = try DatabaseQueue(path: dir + "/" + SQLiteStore.fileName)
        try await db.write { db in
            try db.execute(sql: "DROP TRIGGER checkpoints_append_only_delete")
            try db.execute(sql: "DELETE FROM checkpoints WHERE size = 20")
            try db.execute(
                sql: "INSERT INTO checkpoints (size, root, note, created_at) VALUES (20, X'00', ?, 'x')", arguments: [fake])
        }
        #expect(try Self.audit(dir).finding == .checkpointUnsigned(size: 20))
    }

    @Test func theLedgerRowsRefuseEditsWhileTheirTriggersStand() async throws {
        let dir = try await Self.ledger()
        let db = try DatabaseQueue(path: dir + "/" + SQLiteStore.fileName)
        let statements = [
            "UPDATE merkle_nodes SET hash = X'00' WHERE level = 0 AND idx = 0", "DELETE FROM merkle_nodes",
            "UPDATE checkpoints SET note = 'x'", "DELETE FROM checkpoints",
        ]
        for sql in statements {
            let error = #expect(throws: DatabaseError.self, "\(sql)") { try db.write { db in try db.execute(sql: sql) } }
            #expect(error?.message?.contains("append-only") == true, "\(sql): \(String(describing: error))")
        }
    }

    /// The columns the accounting finds entries by are not hashed: each is checked against the
    /// entry, so a row moved to another subject (or provider, purpose, time, id) is located.
    @Test(arguments: [
        ("subject_id", "'someone-else'"), ("provider_id", "'q'"), ("purpose", "'v'"),
        ("recorded_at", "'2020-01-01T00:00:00.000Z'"), ("disclosure_id", "'d-x'"),
    ])
    func aChangedIndexColumnIsLocated(_ column: String, _ value: String) async throws {
        let dir = try await Self.ledger()
        try Self.tamper(dir, "UPDATE disclosures SET \(column) = \(value) WHERE ledger_index = 11")
        #expect(try Self.audit(dir).finding == .columnMismatch(index: 11, column: column))
    }

    @Test func anEntryThatHashesButIsNoEntryIsReported() async throws {
        let dir = try await Self.ledger()
        let text = "not an entry"
        let hex = Data(RFC6962.leafHash(Array(text.utf8))).map { String(format: "%02X", $0) }.joined()
        // The level-0 node is rewritten too, so that only the entry's own reading can fail.
        try Self.tamper(
            dir,
            """
            UPDATE disclosures SET entry = CAST('\(text)' AS BLOB), leaf_hash = X'\(hex)' WHERE ledger_index = 19;
            UPDATE merkle_nodes SET hash = X'\(hex)' WHERE level = 0 AND idx = 19;
            """)
        #expect(try Self.audit(dir).finding == .unreadableEntry(index: 19))
    }

    /// The table rebuilt without its constraints, as a hand-edited file may be.
    static func loosened(_ table: String) -> String {
        "CREATE TABLE loose AS SELECT * FROM \(table); DROP TABLE \(table); ALTER TABLE loose RENAME TO \(table);"
    }

    /// A damaged file is reported as damage, never a trap: a NULL or a text where the schema has
    /// a number or a blob, a negative index, an impossible level.
    @Test(arguments: [
        loosened("disclosures") + "UPDATE disclosures SET leaf_hash = NULL WHERE ledger_index = 3",
        loosened("disclosures") + "UPDATE disclosures SET ledger_index = NULL WHERE ledger_index = 3",
        loosened("disclosures") + "UPDATE disclosures SET subject_id = NULL WHERE ledger_index = 3",
        "UPDATE merkle_nodes SET idx = -5 WHERE level = 0 AND idx = 3",
        "UPDATE merkle_nodes SET level = 'abc' WHERE level = 0 AND idx = 3",
        "UPDATE merkle_nodes SET level = 9999 WHERE level = 0 AND idx = 3",
        "DROP TRIGGER checkpoints_append_only_update; UPDATE checkpoints SET size = -1 WHERE size = 1",
        "DROP TRIGGER checkpoints_append_only_update;" + loosened("checkpoints")
            + "UPDATE checkpoints SET note = NULL WHERE size = 1",
    ])
    func aDamagedFileIsReportedNotTrapped(_ sql: String) async throws {
        let dir = try await Self.ledger()
        try Self.tamper(dir, sql)
        let error = #expect(throws: LedgerSnapshot.SnapshotError.self) { try Self.audit(dir) }
        guard case .damaged? = error else {
            Issue.record("expected damage, got \(String(describing: error))")
            return
        }
    }
}
