import ArgumentParser
import DiscreetJSON
import DiscreetPolicy
import Foundation

/// `discreet policy scrub`: the `scrub` transform on text, to see what a purpose's scrub would
/// make of a note before writing it into a bundle, and to score the scrubber against labelled
/// text (`scripts/score-scrub`).
struct ScrubCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scrub",
        abstract: "Scrub free text read on standard input, as a purpose's scrub transform would.",
        discussion: """
            Plain: the whole input is one text; the scrubbed text is written out, and the counts to standard error.
            --jsonl: each input line is {"text": "...", "record": {"<category>": "<value>", ...}} (record optional:
            the values of the record's withheld or transformed fields); each output line is
            {"text": "<scrubbed>", "counts": {...}, "spans": [[start, end, "<label>"], ...]}, offsets in Unicode
            scalars of the input text, or {"withheld": true} for a text scrub would withhold whole (one that does
            not settle).
            """)

    @Option(help: "The kinds to scrub, comma-separated (EMAIL,PHONE,IBAN,CARD,US-SSN,FR-NIR,URL,IP,DATE); default all.")
    var kinds: String?

    @Flag(help: "JSON lines in and out.") var jsonl = false

    func run() throws {
        var set = ScrubKinds.all
        if let kinds {
            set = ScrubKinds()
            for name in kinds.split(separator: ",") {
                guard let kind = ScrubKind(name: name.trimmingCharacters(in: .whitespaces)) else {
                    throw ValidationError(
                        "--kinds: unknown kind; expected " + ScrubKind.allCases.map(\.name).joined(separator: ", "))
                }
                set.insert(ScrubKinds(kind))
            }
        }
        let input = FileHandle.standardInput.readDataToEndOfFile()
        guard jsonl else {
            let text = String(decoding: input, as: UTF8.self)
            guard let result = Scrubber.scrub(text, kinds: set) else { throw ValidationError(Self.withheld) }
            FileHandle.standardOutput.write(Data(result.text.utf8))
            let counts = result.counts.map { "\($0.label): \($0.count)" }.joined(separator: ", ")
            FileHandle.standardError.write(Data("removed: \(counts.isEmpty ? "nothing" : counts)\n".utf8))
            return
        }
        var out = Data()
        for (n, line) in input.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true).enumerated() {
            guard case .object(let o)? = try? JSONParser.parse(line), let text = o["text"]?.stringValue else {
                throw ValidationError("line \(n + 1): expected {\"text\": \"...\", \"record\": {...}}")
            }
            var record = RecordValues()
            for (label, value) in o["record"]?.objectValue?.members ?? [] {
                if let v = value.stringValue { record.add(v, label: label) }
            }
            guard let (result, spans) = Scrubber.scrubWithSpans(text, kinds: set, record: record) else {
                // As a purpose's scrub would: the whole text withheld.
                out.append(contentsOf: Array(#"{"withheld":true}"#.utf8) + [UInt8(ascii: "\n")])
                continue
            }
            let scalarOffset = Self.scalarOffsets(text)
            let answer = JSONObject([
                ("text", .string(result.text)),
                ("counts", .object(JSONObject(result.counts.map { ($0.label, JSONValue.number(String($0.count))) }))),
                (
                    "spans",
                    .array(
                        spans.map {
                            .array([
                                .number(String(scalarOffset[$0.utf8Start])), .number(String(scalarOffset[$0.utf8End])),
                                .string($0.label),
                            ])
                        })
                ),
            ])
            out.append(contentsOf: JSONWriter.encode(.object(answer)))
            out.append(UInt8(ascii: "\n"))
        }
        FileHandle.standardOutput.write(out)
    }

    static let withheld =
        "the text would be withheld: it does not settle (each identifier removed reveals another, more than 16 times) or is 4 GiB or more"

    /// For each UTF-8 offset of the text (and its end), the number of scalars before it.
    static func scalarOffsets(_ text: String) -> [Int] {
        var offsets: [Int] = []
        offsets.reserveCapacity(text.utf8.count + 1)
        var scalars = 0
        for byte in text.utf8 {
            offsets.append(scalars)
            // A scalar starts at every byte that is not a continuation byte.
            if byte & 0xC0 != 0x80 { scalars += 1 }
        }
        offsets.append(scalars)
        return offsets
    }
}
