import DiscreetJSON

/// Any bytes: the parser returns a value or a `JSONParseError`, never traps; what it accepts, the
/// writer writes back to bytes the parser reads as the same value (a round trip).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSON(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let value = try? JSONParser.parse(bytes) else { return 0 }
    let written = JSONWriter.encode(value)
    guard let again = try? JSONParser.parse(written), again == value else {
        fatalError("round trip changed a value")
    }
    // Sorted keys give the same value too (the ledger's canonical form).
    guard (try? JSONParser.parse(JSONWriter.encode(value, sortedKeys: true))) == value else {
        fatalError("sorted round trip changed a value")
    }
    return 0
}
