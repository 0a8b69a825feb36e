import DiscreetLedger
import Foundation

/// A witness's memory (`discreet witness serve`): per log origin, the latest checkpoint it
/// cosigned. The check and the update are one step, as the spec requires: two submissions raced
/// against the same old size must not both pass, or a later one could roll the log back.
public protocol WitnessStateStore: Sendable {
    /// In one write transaction: reads the origin's latest cosigned checkpoint, asks `judge`,
    /// and stores the checkpoint it cosigns; a refusal that may be evidence of the log's
    /// misbehaviour (a fork, a proof that does not verify) is recorded with the note as sent.
    func submit(
        origin: String, note: String, at time: Date, judge: @Sendable (WitnessVerdict.Latest?) -> WitnessVerdict
    ) async throws -> WitnessVerdict

    /// The latest checkpoint cosigned for `origin`, if any.
    func latest(origin: String) async throws -> WitnessVerdict.Latest?

    /// How many refusals are on record for `origin` (evidence kept for whoever audits the log).
    func refusals(origin: String) async throws -> Int
}
