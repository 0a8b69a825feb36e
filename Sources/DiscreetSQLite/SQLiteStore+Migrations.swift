import DiscreetLedger
import Foundation
import GRDB

extension SQLiteStore {
    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE providers (id TEXT PRIMARY KEY NOT NULL, doc TEXT NOT NULL);
                    CREATE TABLE subjects (id TEXT PRIMARY KEY NOT NULL, doc TEXT NOT NULL);
                    CREATE TABLE consents (
                        id TEXT PRIMARY KEY NOT NULL,
                        subject_id TEXT NOT NULL,
                        doc TEXT NOT NULL
                    );
                    CREATE INDEX consents_by_subject ON consents(subject_id);
                    CREATE TABLE api_keys (
                        id TEXT PRIMARY KEY NOT NULL,
                        digest BLOB NOT NULL,
                        roles TEXT NOT NULL,
                        label TEXT NOT NULL,
                        created_at TEXT NOT NULL
                    );
                    CREATE TABLE policies (
                        revision INTEGER PRIMARY KEY,
                        label TEXT NOT NULL,
                        digest TEXT NOT NULL,
                        source TEXT NOT NULL,
                        activated_at TEXT NOT NULL
                    );
                    -- The disclosure ledger. Each row's entry is the exact RFC 6962 leaf data and
                    -- leaf_hash its leaf hash, so a Merkle tree over them needs no change to these rows.
                    CREATE TABLE disclosures (
                        ledger_index INTEGER PRIMARY KEY,
                        disclosure_id TEXT NOT NULL UNIQUE,
                        subject_id TEXT NOT NULL,
                        provider_id TEXT NOT NULL,
                        purpose TEXT NOT NULL,
                        recorded_at TEXT NOT NULL,
                        entry BLOB NOT NULL,
                        leaf_hash BLOB NOT NULL
                    );
                    CREATE INDEX disclosures_by_subject ON disclosures(subject_id, ledger_index);
                    CREATE TRIGGER disclosures_append_only_update BEFORE UPDATE ON disclosures
                        BEGIN SELECT RAISE(ABORT, 'the disclosure ledger is append-only'); END;
                    CREATE TRIGGER disclosures_append_only_delete BEFORE DELETE ON disclosures
                        BEGIN SELECT RAISE(ABORT, 'the disclosure ledger is append-only'); END;
                    """)
        }
        m.registerMigration("v2-merkle") { db in
            // Hashes of complete subtrees (level, index), so that roots and proofs read O(log n)
            // rows; and the signed checkpoints kept. Existing ledger rows are not touched: their
            // subtrees are computed from their stored leaf hashes.
            try db.execute(
                sql: """
                    CREATE TABLE merkle_nodes (
                        level INTEGER NOT NULL,
                        idx INTEGER NOT NULL,
                        hash BLOB NOT NULL,
                        PRIMARY KEY (level, idx)
                    ) WITHOUT ROWID;
                    CREATE TABLE checkpoints (
                        size INTEGER PRIMARY KEY,
                        root BLOB NOT NULL,
                        note TEXT NOT NULL,
                        created_at TEXT NOT NULL
                    );
                    CREATE TRIGGER merkle_nodes_append_only_update BEFORE UPDATE ON merkle_nodes
                        BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
                    CREATE TRIGGER merkle_nodes_append_only_delete BEFORE DELETE ON merkle_nodes
                        BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
                    CREATE TRIGGER checkpoints_append_only_update BEFORE UPDATE ON checkpoints
                        BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
                    CREATE TRIGGER checkpoints_append_only_delete BEFORE DELETE ON checkpoints
                        BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
                    """)
            var range = CompactRange()
            let leaves = try Row.fetchCursor(db, sql: "SELECT leaf_hash FROM disclosures ORDER BY ledger_index")
            while let row = try leaves.next() {
                let leaf: Data = row["leaf_hash"]
                try LedgerWriter.insert(range.append(leafHash: Array(leaf)), db)
            }
        }
        m.registerMigration("v3-consent-receipts") { db in
            // Withdrawal works by the grant receipt's id as well as by the consent's.
            try db.execute(
                sql: """
                    ALTER TABLE consents ADD COLUMN receipt_id TEXT;
                    CREATE UNIQUE INDEX consents_by_receipt ON consents(receipt_id) WHERE receipt_id IS NOT NULL;
                    """)
        }
        m.registerMigration("v4-exception-reviews") { db in
            // Exception disclosures queued for review, and the alerts announcing them, kept until
            // the webhook takes them. Times the outbox compares are epoch seconds.
            try db.execute(
                sql: """
                    CREATE TABLE exception_reviews (
                        id TEXT PRIMARY KEY NOT NULL,
                        status TEXT NOT NULL,
                        invoked_at REAL NOT NULL,
                        doc TEXT NOT NULL
                    );
                    CREATE INDEX exception_reviews_by_status ON exception_reviews(status, invoked_at);
                    CREATE TABLE alert_outbox (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        body BLOB NOT NULL,
                        created_at REAL NOT NULL,
                        attempts INTEGER NOT NULL DEFAULT 0,
                        next_attempt_at REAL NOT NULL,
                        delivered_at REAL,
                        last_error TEXT
                    );
                    CREATE INDEX alert_outbox_due ON alert_outbox(next_attempt_at) WHERE delivered_at IS NULL;
                    """)
        }
        m.registerMigration("v5-consent-import") { db in
            try db.execute(
                sql: """
                    CREATE TABLE consent_import_staging (
                        import_id TEXT NOT NULL,
                        id TEXT NOT NULL,
                        subject_id TEXT NOT NULL,
                        receipt_id TEXT,
                        doc TEXT NOT NULL
                    );
                    CREATE INDEX consent_import_staging_by_import ON consent_import_staging(import_id);
                    """)
        }
        m.registerMigration("v6-references") { db in
            try db.execute(sql: SQLiteStore.referencesSchema)
        }
        m.registerMigration("v7-cosignatures") { db in
            try db.execute(sql: SQLiteStore.cosignaturesSchema)
        }
        m.registerMigration("v8-provider-versions") { db in
            // Every version of every provider; those already here are carried over as holding
            // "since before history" (valid_from 0), since when they began is not known.
            try db.execute(
                sql: """
                    CREATE TABLE provider_versions (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        provider_id TEXT NOT NULL,
                        valid_from REAL NOT NULL,
                        doc TEXT
                    );
                    CREATE INDEX provider_versions_by_provider ON provider_versions(provider_id, valid_from);
                    INSERT INTO provider_versions (provider_id, valid_from, doc) SELECT id, 0, doc FROM providers ORDER BY id;
                    """)
        }
        m.registerMigration("v9-recalls") { db in
            try db.execute(sql: SQLiteStore.recallsSchema)
        }
        return m
    }
}
