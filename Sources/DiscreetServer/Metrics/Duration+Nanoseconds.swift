extension Duration {
    /// Whole nanoseconds, as the metrics' timers take them.
    public var nanoseconds: Int64 { components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000 }
}
