import DiscreetPolicy
import Foundation

/// Any bytes as a policy bundle, YAML or JSON: it validates or is refused with at least one issue,
/// never traps; a bundle that validates runs its own tests without trapping.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzBundle(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    do {
        let bundle = try BundleParser.parse(bytes)
        _ = BundleTestRunner.run(bundle, now: Date(timeIntervalSince1970: 1_780_000_000))
        _ = DecisionEngine(bundle: bundle)
    } catch {
        if error.issues.isEmpty { fatalError("a refused bundle names no issue") }
    }
    return 0
}
