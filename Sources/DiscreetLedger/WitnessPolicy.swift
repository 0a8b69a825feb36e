import Foundation

/// Which logs and witnesses a verifier trusts, and how many witnesses must have cosigned a
/// checkpoint before it is believed: the policy file torchwood and Sigsum read, with keys as
/// vkeys.
///
///     log <vkey> [<url>]
///     witness <name> <vkey> [<url>]
///     group <name> <all|any|N> <member>...
///     quorum <name|none>
///
/// Names are one namespace shared by witnesses and groups (`none` is predefined and needs no
/// cosignature); a group names only witnesses and groups defined above it; exactly one quorum.
public struct WitnessPolicy: Sendable, Equatable {
    public struct Log: Sendable, Equatable {
        public var key: NoteVerifierKey
        public var url: String?
    }

    public struct Witness: Sendable, Equatable {
        public var name: String
        public var key: CosignerKey
        public var url: String?

        public init(name: String, key: CosignerKey, url: String?) {
            self.name = name
            self.key = key
            self.url = url
        }
    }

    public struct Group: Sendable, Equatable {
        public enum Threshold: Sendable, Equatable {
            case all, any, count(Int)
        }

        public var name: String
        public var threshold: Threshold
        public var members: [String]
    }

    public struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
        public var line: Int
        public var message: String
        public var description: String { "line \(line): \(message)" }

        public init(line: Int, message: String) {
            self.line = line
            self.message = message
        }
    }

    public var logs: [Log] = []
    public var witnesses: [Witness] = []
    public var groups: [Group] = []
    /// The witness or group whose satisfaction makes a checkpoint believed; `none` for none.
    public var quorum: String = "none"
    /// The policy as written, to hand to verifiers as it was read.
    public private(set) var text: String = ""

    public init(_ text: String) throws(Problem) {
        self.text = text
        var names: Set<String> = ["none"]
        var sawQuorum = false
        for (i, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let n = i + 1
            let line = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }).map(String.init)
            guard let keyword = words.first else { continue }
            let args = Array(words.dropFirst())
            switch keyword {
            case "log":
                guard (1...2).contains(args.count), let key = NoteVerifierKey(encoded: args[0]) else {
                    throw Problem(line: n, message: "expected: log <vkey of type 0x01> [<url>]")
                }
                logs.append(Log(key: key, url: args.count == 2 ? try Self.url(args[1], n) : nil))
            case "witness":
                guard (2...3).contains(args.count), let key = CosignerKey(vkey: args[1]) else {
                    throw Problem(line: n, message: "expected: witness <name> <vkey of type 0x04> [<url>]")
                }
                guard names.insert(args[0]).inserted else { throw Problem(line: n, message: "'\(args[0])' is defined twice") }
                witnesses.append(Witness(name: args[0], key: key, url: args.count == 3 ? try Self.url(args[2], n) : nil))
            case "group":
                guard args.count >= 3 else {
                    throw Problem(line: n, message: "expected: group <name> <all|any|N> <member>...")
                }
                let members = Array(args.dropFirst(2))
                let threshold: Group.Threshold
                switch args[1] {
                case "all": threshold = .all
                case "any": threshold = .any
                default:
                    guard let k = Int(args[1]), String(k) == args[1], (1...members.count).contains(k) else {
                        throw Problem(line: n, message: "a group's threshold is all, any, or 1 to its number of members")
                    }
                    threshold = .count(k)
                }
                for m in members where !names.contains(m) || m == "none" {
                    throw Problem(line: n, message: "'\(m)' is not a witness or group defined above")
                }
                guard Set(members).count == members.count else {
                    throw Problem(line: n, message: "a group names each member once")
                }
                guard names.insert(args[0]).inserted else { throw Problem(line: n, message: "'\(args[0])' is defined twice") }
                groups.append(Group(name: args[0], threshold: threshold, members: members))
            case "quorum":
                guard args.count == 1 else { throw Problem(line: n, message: "expected: quorum <name|none>") }
                guard !sawQuorum else { throw Problem(line: n, message: "a policy has one quorum") }
                guard names.contains(args[0]) else { throw Problem(line: n, message: "'\(args[0])' is not defined above") }
                quorum = args[0]
                sawQuorum = true
            default:
                throw Problem(line: n, message: "unknown keyword '\(keyword)': log, witness, group or quorum")
            }
        }
        guard !logs.isEmpty else { throw Problem(line: 0, message: "a policy names at least one log") }
        guard sawQuorum else { throw Problem(line: 0, message: "a policy ends with a quorum line (quorum none for none)") }
    }

    static func url(_ text: String, _ line: Int) throws(Problem) -> String {
        guard let u = URL(string: text), u.scheme == "https" || u.scheme == "http", u.host != nil else {
            throw Problem(line: line, message: "expected an http:// or https:// URL")
        }
        return text
    }

    /// Whether the witnesses named in `cosigned` satisfy the quorum.
    public func isSatisfied(by cosigned: Set<String>) -> Bool {
        satisfied(quorum, cosigned)
    }

    private func satisfied(_ name: String, _ cosigned: Set<String>) -> Bool {
        if name == "none" { return true }
        if witnesses.contains(where: { $0.name == name }) { return cosigned.contains(name) }
        guard let g = groups.first(where: { $0.name == name }) else { return false }
        let met = g.members.filter { satisfied($0, cosigned) }.count
        switch g.threshold {
        case .all: return met == g.members.count
        case .any: return met >= 1
        case .count(let k): return met >= k
        }
    }

    /// What a signed checkpoint shows under this policy.
    public struct Verdict: Sendable, Equatable {
        public var checkpoint: Checkpoint
        /// The policy's witnesses whose cosignature verified, by name.
        public var cosigned: Set<String>
        /// Witnesses whose line is there but does not verify: a forgery, or a damaged note.
        public var failed: Set<String>
        public var quorumMet: Bool
    }

    /// Opens a checkpoint signed by one of the policy's logs and checks each witness's
    /// cosignature; nil when no log's signature verifies.
    public func verify(_ note: String) -> Verdict? {
        guard let checkpoint = Checkpoint.open(note, trustedBy: logs.map(\.key)) else { return nil }
        var cosigned = Set<String>()
        var failed = Set<String>()
        for w in witnesses {
            do {
                _ = try Cosignature.verify(note: note, key: w.key)
                cosigned.insert(w.name)
            } catch .noCosignatureFromKey {
                continue
            } catch {
                failed.insert(w.name)
            }
        }
        return Verdict(checkpoint: checkpoint, cosigned: cosigned, failed: failed, quorumMet: isSatisfied(by: cosigned))
    }
}
