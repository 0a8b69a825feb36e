import DiscreetJSON
import DiscreetPolicy
import Foundation
import Logging

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Log records for operators, one line each on standard error: readable text, or JSON lines for a
/// log shipper (`--log-format json`).
///
/// Metadata is kept as given and formatted only when a line is written. Hummingbird sets a request
/// id on every request's logger, and swift-log's `StreamLogHandler` formats all of its metadata on
/// each change, for every request, whether or not anything is logged. A line is one `write(2)`, so
/// lines from concurrent requests do not interleave.
public struct LineLogHandler: LogHandler {
    public enum Format: String, Sendable, CaseIterable {
        case text, json
    }

    let label: String
    let format: Format
    let clock: @Sendable () -> Date
    let sink: @Sendable ([UInt8]) -> Void
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?

    public init(
        label: String, format: Format, clock: @escaping @Sendable () -> Date = { Date() },
        sink: @escaping @Sendable ([UInt8]) -> Void = LineLogHandler.standardError
    ) {
        self.label = label
        self.format = format
        self.clock = clock
        self.sink = sink
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var all = metadata
        if let provided = metadataProvider?.get() { all.merge(provided) { _, new in new } }
        if let given = event.metadata {
            if all.isEmpty { all = given } else { all.merge(given) { _, new in new } }
        }
        sink(line(time: clock(), level: event.level, message: event.message.description, metadata: all))
    }

    func line(time: Date, level: Logger.Level, message: String, metadata: Logger.Metadata) -> [UInt8] {
        let keys = metadata.keys.sorted()
        var w = JSONWriter(reservingCapacity: 160 + 32 * keys.count)
        switch format {
        case .json:
            w.raw("{\"time\":")
            w.writeString(RFC3339.format(time))
            w.raw(",\"level\":")
            w.writeString(level.rawValue)
            w.raw(",\"label\":")
            w.writeString(label)
            w.raw(",\"message\":")
            w.writeString(message)
            for k in keys where !Self.reserved.contains(k) {
                w.raw(",")
                w.writeString(k)
                w.raw(":")
                w.write(Self.json(metadata[k]!))
            }
            w.raw("}\n")
        case .text:
            for part in [RFC3339.format(time), " ", level.rawValue, " "] { w.bytes.append(contentsOf: part.utf8) }
            Self.appendEscaped(label, to: &w.bytes)
            w.raw(": ")
            Self.appendEscaped(message, to: &w.bytes)
            for k in keys {
                w.raw(" ")
                Self.appendEscaped(k, to: &w.bytes)
                w.raw("=")
                let value = metadata[k]!.description
                if Self.needsQuotes(value) { w.writeString(value) } else { w.bytes.append(contentsOf: value.utf8) }
            }
            w.raw("\n")
        }
        return w.bytes
    }

    /// A text line is one record: a control character or a backslash in a logged string is
    /// written as its escape (`\n`, `\u001b`, `\\`), so no string can end the line early and
    /// start a forged one, or move the terminal's cursor.
    static func appendEscaped(_ text: String, to bytes: inout [UInt8]) {
        for b in text.utf8 {
            switch b {
            case 0x0A: bytes.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: bytes.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: bytes.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0x5C: bytes.append(contentsOf: [0x5C, 0x5C])
            case 0x00..<0x20, 0x7F:
                bytes.append(contentsOf: Array("\\u00".utf8))
                bytes.append(ByteText.hexDigits[Int(b >> 4)])
                bytes.append(ByteText.hexDigits[Int(b & 0x0F)])
            default: bytes.append(b)
            }
        }
    }

    /// A metadata value that holds a space, `=`, a quote, a backslash or a control character (or
    /// nothing) is written as a JSON string, so it cannot pose as a further `key=value`.
    static func needsQuotes(_ value: String) -> Bool {
        value.isEmpty
            || value.utf8.contains {
                $0 <= 0x20 || $0 == 0x7F || $0 == UInt8(ascii: "=") || $0 == UInt8(ascii: "\"") || $0 == 0x5C
            }
    }

    /// The members every JSON line has; metadata cannot replace them.
    static let reserved: Set<String> = ["time", "level", "label", "message"]

    static func json(_ value: Logger.Metadata.Value) -> JSONValue {
        switch value {
        case .string(let s): .string(s)
        case .stringConvertible(let c): .string(c.description)
        case .array(let a): .array(a.map(json))
        case .dictionary(let d): .object(JSONObject(d.keys.sorted().map { ($0, json(d[$0]!)) }))
        }
    }

    /// Writes a line to file descriptor 2 in one call (retrying a short write).
    public static let standardError: @Sendable ([UInt8]) -> Void = { bytes in
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = write(2, buffer.baseAddress! + offset, buffer.count - offset)
                if n > 0 {
                    offset += n
                } else if n < 0 && errno == EINTR {
                    continue
                } else {
                    return
                }
            }
        }
    }
}
