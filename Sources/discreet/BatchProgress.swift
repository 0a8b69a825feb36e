import DiscreetJSON
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Bytes read of the batch file so far, shared with the progress bar.
final class ByteCount: Sendable {
    let value = Atomic<Int>(0)
}

/// What the answers said, line by line: the summary printed at the end and the progress bar's
/// counts. Holds counts and problem types, never a value.
final class BatchSummary: Sendable {
    struct Counts {
        var lines = 0
        var disclosed = 0
        var refused: [String: Int] = [:]
        var outcomes: [String: Int] = [:]
        var firstIndex: UInt64?
        var lastIndex: UInt64?
    }

    let counts = Mutex(Counts())

    var refusedCount: Int { counts.withLock { $0.refused.values.reduce(0, +) } }

    func add(_ answer: JSONValue?) {
        let o = answer?.objectValue
        counts.withLock { c in
            c.lines += 1
            guard let disclosure = o?["disclosure"]?.objectValue else {
                let type = o?["problem"]?.objectValue?["type"]?.stringValue ?? "unreadable answer"
                c.refused[String(type.split(separator: ":").last ?? "problem"), default: 0] += 1
                return
            }
            c.disclosed += 1
            for d in disclosure["decisions"]?.arrayValue ?? [] {
                if let outcome = d.objectValue?["outcome"]?.stringValue { c.outcomes[outcome, default: 0] += 1 }
            }
            if case .number(let n)? = disclosure["receipt"]?.objectValue?["ledger_index"], let i = UInt64(n) {
                c.firstIndex = min(c.firstIndex ?? i, i)
                c.lastIndex = max(c.lastIndex ?? i, i)
            }
        }
    }

    func text(seconds: Double) -> String {
        let c = counts.withLock { $0 }
        let rate = seconds > 0 ? Int(Double(c.lines) / seconds) : c.lines
        var out = "\(c.lines) lines in \(String(format: "%.1f", seconds)) s (\(rate) a second): \(c.disclosed) disclosed"
        if let first = c.firstIndex, let last = c.lastIndex { out += " (ledger entries \(first) to \(last))" }
        let refused = c.refused.values.reduce(0, +)
        out += ", \(refused) refused"
        if refused > 0 {
            out += " (" + c.refused.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ") + ")"
        }
        out += "\n"
        if !c.outcomes.isEmpty {
            out +=
                "fields: "
                + ["released", "transformed", "withheld"].map { "\(c.outcomes[$0] ?? 0) \($0)" }.joined(separator: ", ")
                + "\n"
        }
        return out
    }
}

/// A progress bar on standard error, drawn only when it is a terminal: the share of the file
/// sent, the lines answered and those refused.
struct ProgressBar: Sendable {
    let total: Int?
    let sent: ByteCount
    let summary: BatchSummary
    let isTerminal = isatty(STDERR_FILENO) != 0

    func run() async {
        guard isTerminal else { return }
        while !Task.isCancelled {
            draw()
            try? await Task.sleep(for: .milliseconds(200))
        }
    }

    func draw() {
        let bytes = sent.value.load(ordering: .relaxed)
        let (lines, refused) = summary.counts.withLock { ($0.lines, $0.refused.values.reduce(0, +)) }
        var text = "\r"
        if let total, total > 0 {
            let share = min(1, Double(bytes) / Double(total))
            let filled = Int(share * 30)
            text += "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: 30 - filled) + "] "
            text += String(format: "%3d%% ", Int(share * 100))
        }
        text += "\(lines) lines answered, \(refused) refused"
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// Erases the bar before anything else is printed.
    func clear() {
        guard isTerminal else { return }
        FileHandle.standardError.write(Data(("\r" + String(repeating: " ", count: 79) + "\r").utf8))
    }
}

/// Standard output, or a new file created 0600 (it holds what was released about people) and
/// never one that exists. Written through a buffer.
final class OutputFile {
    let handle: FileHandle
    private var buffer: [UInt8] = []

    init(_ path: String?) throws {
        guard let path, path != "-" else {
            handle = .standardOutput
            return
        }
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw CommandError(
                errno == EEXIST ? "\(path) exists: name a new file, or remove it" : "cannot create \(path)")
        }
        handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
    }

    func write(_ text: String) { write(Array(text.utf8)) }

    func write(_ bytes: [UInt8]) {
        buffer += bytes
        if buffer.count >= 1 << 16 { flush() }
    }

    private func flush() {
        guard !buffer.isEmpty else { return }
        handle.write(Data(buffer))
        buffer.removeAll(keepingCapacity: true)
    }

    func finish() throws {
        flush()
        if handle !== FileHandle.standardOutput { try handle.synchronize() }
    }
}
