import DiscreetJSON
import Foundation

/// Everything a person needs to check, offline and with published keys only, that the ledger
/// holds each disclosure about them (`docs/receipt-bundle.md` specifies it for verifiers in other
/// languages): each entry's exact bytes and its RFC 6962 inclusion proof, and one signed
/// checkpoint covering them all, with the witnesses' cosignatures it carries.
public struct ReceiptBundle: Sendable, Equatable {
    public static let format = "discreet-receipts/v1"

    public struct Entry: Sendable, Equatable {
        public var index: UInt64
        /// The leaf data exactly as hashed: `SHA-256(0x00 || bytes)` is the leaf hash.
        public var bytes: [UInt8]
        /// The inclusion proof at the checkpoint's size, bottom-up.
        public var proof: [[UInt8]]

        public init(index: UInt64, bytes: [UInt8], proof: [[UInt8]]) {
            self.index = index
            self.bytes = bytes
            self.proof = proof
        }
    }

    /// The subject every entry names (empty for a bundle of one entry fetched by index).
    public var subject: String
    /// The signed checkpoint, with the cosignatures it carries appended.
    public var checkpoint: String
    public var entries: [Entry]
    /// The log's verifier key as the service publishes it: informative, a verifier uses its own copy.
    public var logKey: String
    /// The service's witness policy, if it has one: informative, like `logKey`.
    public var witnessPolicy: String?

    public init(subject: String, checkpoint: String, entries: [Entry], logKey: String, witnessPolicy: String?) {
        self.subject = subject
        self.checkpoint = checkpoint
        self.entries = entries
        self.logKey = logKey
        self.witnessPolicy = witnessPolicy
    }

    public var json: JSONValue {
        var o = JSONObject([
            ("format", .string(Self.format)), ("subject", .string(subject)), ("log_key", .string(logKey)),
            ("witness_policy", witnessPolicy.map(JSONValue.string) ?? .null), ("checkpoint", .string(checkpoint)),
        ])
        o["entries"] = .array(
            entries.map { e in
                .object(
                    JSONObject([
                        ("ledger_index", .number(String(e.index))), ("entry", .string(Data(e.bytes).base64EncodedString())),
                        ("proof", .array(e.proof.map { .string(Data($0).base64EncodedString()) })),
                    ]))
            })
        return .object(o)
    }

    /// What is wrong with a file that is not a bundle of this format.
    public struct Malformed: Error, Equatable, CustomStringConvertible {
        public var description: String

        public init(description: String) { self.description = description }
    }

    public init(json bytes: [UInt8]) throws(Malformed) {
        guard let value = try? JSONParser.parse(bytes), let o = value.objectValue else {
            throw Malformed(description: "not a JSON object")
        }
        guard o["format"]?.stringValue == Self.format else { throw Malformed(description: "format is not \(Self.format)") }
        guard let subject = o["subject"]?.stringValue, let checkpoint = o["checkpoint"]?.stringValue,
            let logKey = o["log_key"]?.stringValue, let list = o["entries"]?.arrayValue
        else { throw Malformed(description: "subject, checkpoint, log_key and entries are required") }
        var entries: [Entry] = []
        for (i, item) in list.enumerated() {
            let fields = item.objectValue
            guard case .number(let n)? = fields?["ledger_index"], let index = UInt64(n),
                let bytes = fields?["entry"]?.stringValue.flatMap({ Data(base64Encoded: $0) }),
                let hashes = fields?["proof"]?.arrayValue
            else { throw Malformed(description: "entries[\(i)]: ledger_index, entry (base64) and proof are required") }
            var proof: [[UInt8]] = []
            for h in hashes {
                guard let d = h.stringValue.flatMap({ Data(base64Encoded: $0) }), d.count == 32 else {
                    throw Malformed(description: "entries[\(i)].proof: each hash is 32 bytes in base64")
                }
                proof.append(Array(d))
            }
            entries.append(Entry(index: index, bytes: Array(bytes), proof: proof))
        }
        self.init(
            subject: subject, checkpoint: checkpoint, entries: entries, logKey: logKey,
            witnessPolicy: o["witness_policy"]?.stringValue)
    }

    /// What the bundle proves under keys the verifier holds.
    public struct Report: Sendable, Equatable {
        public struct Line: Sendable, Equatable {
            public var index: UInt64
            /// Nil when the entry is in the log under the checkpoint; otherwise why not, in words.
            public var failure: String?
            /// The entry's own JSON, for showing what it records.
            public var entry: JSONValue?
        }

        /// Nil when the checkpoint's signature by the log's key does not verify.
        public var checkpoint: Checkpoint?
        public var lines: [Line]
        /// The witness policy's verdict on the checkpoint, when one was given.
        public var witnesses: WitnessPolicy.Verdict?

        public var holds: Bool {
            checkpoint != nil && lines.allSatisfy { $0.failure == nil }
                && witnesses.map { $0.quorumMet && $0.failed.isEmpty } ?? true
        }
    }

    /// Checks the checkpoint's signature with `log`, each entry's inclusion under it, that each
    /// entry names the bundle's subject, and, with a `policy`, the witnesses' quorum.
    public func verify(log: NoteVerifierKey, policy: WitnessPolicy?) -> Report {
        let checkpoint = try? Checkpoint.open(checkpoint, verifier: log)
        var lines: [Report.Line] = []
        for e in entries {
            let parsed = try? JSONParser.parse(e.bytes)
            var failure: String?
            if let checkpoint {
                do {
                    try ProofVerifier.verifyInclusion(
                        leafHash: RFC6962.leafHash(e.bytes), index: e.index, size: checkpoint.size, proof: e.proof,
                        root: checkpoint.root)
                } catch {
                    failure = "its inclusion proof does not lead to the checkpoint's root"
                }
            } else {
                failure = "the checkpoint's signature does not verify"
            }
            if failure == nil, !subject.isEmpty, parsed?.objectValue?["subject"]?.stringValue != subject {
                failure = "it is not about \(subject)"
            }
            lines.append(Report.Line(index: e.index, failure: failure, entry: parsed))
        }
        let witnesses = policy.flatMap { checkpoint == nil ? nil : $0.verify(self.checkpoint) }
        return Report(checkpoint: checkpoint, lines: lines, witnesses: witnesses)
    }
}
