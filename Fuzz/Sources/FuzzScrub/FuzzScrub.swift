import DiscreetPolicy

/// The scrubber on any text: two bytes choose the kinds; before a NUL, a record value to remove
/// too. It never traps (it may withhold a text that does not settle: nil), its replacements are
/// disjoint and in order, the output is exactly the
/// text with each span replaced by its placeholder (so never longer than a bound of the input and
/// never a placeholder inside another), and scrubbing the output finds nothing more: every
/// confirmed identifier is gone.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzScrub(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 2 else { return 0 }
    let bytes = UnsafeBufferPointer(start: data, count: size)
    let kinds = ScrubKinds(rawValue: (UInt16(bytes[0]) | UInt16(bytes[1]) << 8) & ScrubKinds.all.rawValue)
    let rest = String(decoding: bytes[2...], as: UTF8.self)
    var record = RecordValues()
    var text = rest
    if let nul = rest.firstIndex(of: "\u{0}") {
        record.add(String(rest[..<nul]), label: "rec.v")
        text = String(rest[rest.index(after: nul)...])
    }
    // Nil: text built so that each removal reveals another did not settle, and is withheld whole.
    guard let (result, spans) = Scrubber.scrubWithSpans(text, kinds: kinds, record: record) else { return 0 }
    guard Scrubber.scrub(text, kinds: kinds, record: record) == result else { fatalError("scrub and scrubWithSpans differ") }

    let utf8 = Array(text.utf8)
    var rebuilt: [UInt8] = []
    var at = 0
    for span in spans {
        guard span.utf8Start >= at, span.utf8End > span.utf8Start, span.utf8End <= utf8.count else {
            fatalError("spans overlap, are out of order or out of the text")
        }
        rebuilt += utf8[at..<span.utf8Start]
        rebuilt += Array("[\(span.label)]".utf8)
        at = span.utf8End
    }
    rebuilt += utf8[at...]
    guard rebuilt == Array(result.text.utf8) else { fatalError("the output is not the text with its spans replaced") }
    // Every match is at least three units long and a placeholder at most 2 + 13 bytes ("[identity.name]"-like).
    guard result.text.utf8.count <= utf8.count * 6 + 16 else { fatalError("the output outgrew its bound") }
    guard result.counts.reduce(0, { $0 + $1.count }) == spans.count else { fatalError("counts disagree with spans") }

    // Nothing the finders confirm is left: the kinds asked for find nothing in the output.
    if let again = Scrubber.spans(result.text, kinds: kinds), !again.isEmpty {
        fatalError("scrubbing the output finds \(again.map(\.label)) again")
    }
    return 0
}
