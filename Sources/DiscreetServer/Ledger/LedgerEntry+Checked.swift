import DiscreetJSON
import DiscreetLedger
import DiscreetStore

extension LedgerEntry {
    /// The entry as a JSON object, once its bytes are shown to be the leaf the log recorded.
    ///
    /// Answers built from stored entries (an entry, a payload match, an accounting) trust only
    /// what they can check: an entry that no longer hashes to its leaf, or that is not an entry,
    /// is `ledger-damaged`, never skipped or shown as null.
    func checked() throws(Problem) -> JSONObject {
        guard RFC6962.leafHash(entry) == leafHash, let object = (try? JSONParser.parse(entry))?.objectValue else {
            throw Problem.ledgerDamaged(index: index)
        }
        return object
    }

    /// As `checked()`, and the entry is about `subjectID`: a row whose subject column was moved
    /// to another person is refused, not shown in that person's accounting.
    func checked(subjectID: String) throws(Problem) -> JSONObject {
        let object = try checked()
        guard object["subject"]?.stringValue == subjectID else { throw Problem.ledgerDamaged(index: index) }
        return object
    }
}
