/// Finds what may be a token or a pseudonym in any text (CSV, JSON, NDJSON, plain), fed in pieces
/// of any size: a reference cut between two pieces is still found whole.
///
/// A pseudonym is 43 base64url characters standing alone; a token is `tok_` and 26 base32
/// characters (`Token`), standing alone or closing a longer run (`acct:tok_…`). What is found is
/// only a candidate: the index says whether it left, and to whom. Memory is bounded: a run longer
/// than any reference keeps only its last `Token.length` bytes.
struct ReferenceScanner {
    static let pseudonymLength = 43

    /// The current run of base64url bytes (at most `keep` of its last bytes) and its whole length.
    private var run: [UInt8] = []
    private var runLength = 0
    private static let keep = max(pseudonymLength, Token.length)

    /// Candidates found so far, with how many times each was seen.
    private(set) var found: [String: Int] = [:]
    /// Every candidate occurrence, counted.
    private(set) var occurrences = 0

    init() { run.reserveCapacity(Self.keep * 2) }

    static func isRunByte(_ b: UInt8) -> Bool {
        (0x41...0x5A).contains(b) || (0x61...0x7A).contains(b) || (0x30...0x39).contains(b) || b == 0x2D || b == 0x5F
    }

    mutating func feed(_ bytes: some Sequence<UInt8>) {
        for b in bytes {
            if Self.isRunByte(b) {
                run.append(b)
                runLength += 1
                if run.count >= Self.keep * 2 { run.removeFirst(run.count - Self.keep) }
            } else if runLength > 0 {
                endRun()
            }
        }
    }

    /// The end of the text: a run still open ends here.
    mutating func finish() { if runLength > 0 { endRun() } }

    /// Takes the candidates found so far, leaving the scanner ready for more (a batch at a time
    /// bounds the memory of a file with millions of references).
    mutating func take() -> [String: Int] {
        defer { found.removeAll(keepingCapacity: true) }
        return found
    }

    private mutating func endRun() {
        defer {
            run.removeAll(keepingCapacity: true)
            runLength = 0
        }
        if runLength == Self.pseudonymLength {
            add(run)
            return
        }
        // A token: the run's last 30 bytes, if they are `tok_` and its body, and the byte before
        // them (if any) is not a body byte that would make the token longer than a token.
        guard runLength >= Token.length else { return }
        let tail = run.suffix(Token.length)
        guard tail.starts(with: Token.prefix.utf8), tail.dropFirst(Token.prefix.utf8.count).allSatisfy(Token.isBodyByte)
        else { return }
        if runLength > Token.length {
            let before = run[run.count - Token.length - 1]
            if Token.isBodyByte(before) || before == UInt8(ascii: "_") { return }
        }
        add(tail)
    }

    private mutating func add(_ bytes: some Collection<UInt8>) {
        found[String(decoding: bytes, as: UTF8.self), default: 0] += 1
        occurrences += 1
    }
}
