import DiscreetTestSupport

/// Children are spawned without Foundation's `Process.run()`, which can crash in this toolchain
/// when the test process holds many descriptors (see `SpawnedProcess`).
typealias Process = SpawnedProcess
