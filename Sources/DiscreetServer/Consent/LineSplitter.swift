/// Splits a streamed body into lines without holding more than one line and one chunk.
struct LineSplitter {
    let maxLineBytes: Int
    private var pending: [UInt8] = []

    init(maxLineBytes: Int) { self.maxLineBytes = maxLineBytes }

    enum Failure: Error { case lineTooLong }

    /// The complete lines in `chunk` (without their `\n` or `\r\n`).
    mutating func feed(_ chunk: some Collection<UInt8>) throws(Failure) -> [[UInt8]] {
        var lines: [[UInt8]] = []
        for byte in chunk {
            if byte == UInt8(ascii: "\n") {
                if pending.last == UInt8(ascii: "\r") { pending.removeLast() }
                lines.append(pending)
                pending.removeAll(keepingCapacity: true)
            } else {
                guard pending.count < maxLineBytes else { throw .lineTooLong }
                pending.append(byte)
            }
        }
        return lines
    }

    /// The last line, when the body does not end with a newline.
    mutating func finish() -> [UInt8]? {
        defer { pending = [] }
        if pending.last == UInt8(ascii: "\r") { pending.removeLast() }
        return pending.isEmpty ? nil : pending
    }
}

/// One RFC 4180 record on one line: fields separated by commas, quoted with `"` where needed,
/// `""` for a quote inside. Nil for a malformed line (an unclosed quote).
enum CSVRecord {
    static func fields(_ line: String) -> [String]? {
        var fields: [String] = []
        var field = ""
        var quoted = false
        var i = line.startIndex
        var atStart = true
        while i < line.endIndex {
            let c = line[i]
            if quoted {
                if c == "\"" {
                    let next = line.index(after: i)
                    if next < line.endIndex, line[next] == "\"" {
                        field.append("\"")
                        i = next
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(c)
                }
            } else if c == "\"" && atStart {
                quoted = true
            } else if c == "," {
                fields.append(field)
                field = ""
                atStart = true
                i = line.index(after: i)
                continue
            } else {
                field.append(c)
            }
            atStart = false
            i = line.index(after: i)
        }
        guard !quoted else { return nil }
        fields.append(field)
        return fields
    }
}
