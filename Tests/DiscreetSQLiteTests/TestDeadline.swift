/// The ledger deadline of the stores these tests open, unless a test is about the deadline.
enum TestDeadline {
    /// What the suites hold is behaviour, not speed: with every suite running on two cores, and the
    /// disk shared with them, an append has waited more than the service's 5 s (every SQLite test
    /// at once, in one run). The tests of the deadline pass their own.
    static let ledger: Duration = .seconds(30)
}
