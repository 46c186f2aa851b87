import Foundation
import Testing

/// Budget, seed and hang detection of the seeded fuzz tests, from the environment:
///
/// | variable | default | meaning |
/// |---|---|---|
/// | `SYMSIM_FUZZ_ITERATIONS` | 3000 | mutated inputs in total, shared between the targets (`Fuzz/run.sh` uses ≥ 100000) |
/// | `SYMSIM_FUZZ_SEED` | 24301 | base seed; a seed and an iteration count reproduce every input |
/// | `SYMSIM_FUZZ_CRASH_DIR` | unset | if set, each input is written to `DIR/<target>.current` before it runs, so a crash leaves the input behind |
///
/// Inputs that violate a contract are written to `$TMPDIR/symsim-fuzz-failures/`.
enum FuzzBudget {
    static let environment = ProcessInfo.processInfo.environment
    static let total = environment["SYMSIM_FUZZ_ITERATIONS"].flatMap { Int($0) } ?? 3000
    static let seed = environment["SYMSIM_FUZZ_SEED"].flatMap { UInt64($0) } ?? 24301
    static let crashDirectory = environment["SYMSIM_FUZZ_CRASH_DIR"]

    /// This target's share of the total (at least 50, so every target runs in CI).
    static func share(_ fraction: Double) -> Int { Swift.max(50, Int((Double(total) * fraction).rounded())) }

    static var failureDirectory: URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("symsim-fuzz-failures")
    }
}

/// Runs inputs through an oracle and keeps the statistics of one target.
struct FuzzRun {
    let target: String
    var inputs = 0, accepted = 0, violations = 0
    /// Distinct rejection messages with digits blanked: a rough measure of how many different
    /// checks the mutations reached.
    var rejectionKinds = Set<String>()
    var slowest: Duration = .zero
    var slowestSize = 0
    /// Time spent in the code under test (the rest is mutation and bookkeeping).
    var testedTime: Duration = .zero
    let started = ContinuousClock.now

    init(_ target: String) { self.target = target }

    mutating func run(_ input: [UInt8], _ oracle: ([UInt8]) -> FuzzVerdict) {
        if let dir = FuzzBudget.crashDirectory {
            try? Data(input).write(to: URL(fileURLWithPath: dir).appendingPathComponent("\(target).current"))
        }
        var verdict = FuzzVerdict.accepted
        let time = ContinuousClock().measure { verdict = oracle(input) }
        inputs += 1
        testedTime += time
        if time > slowest { slowest = time; slowestSize = input.count }
        switch verdict {
        case .accepted: accepted += 1
        case .rejected(let message):
            if rejectionKinds.count < 10_000 {
                rejectionKinds.insert(String(message.map { $0.isNumber ? "#" : $0 }.prefix(80)))
            }
        case .violation(let what):
            violations += 1
            if violations <= 5 { Issue.record("\(target): \(what)\n  input saved as \(save(input, "violation"))") }
        }
        // Slow inputs are reported in the summary line, never asserted on (wall time is noise on a
        // shared machine); hangs are caught by libFuzzer's -timeout in Fuzz/run.sh.
    }

    func save(_ input: [UInt8], _ kind: String) -> String {
        let dir = FuzzBudget.failureDirectory
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent("\(target)-\(kind)-\(inputs).bin")
        try? Data(input).write(to: url)
        return url.path
    }

    /// Prints one summary line (the long run's log) and checks the totals.
    func finish(expectAccepted: Bool = true) {
        let ms = { (d: Duration) in Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15 }
        print(String(format: "fuzz %@: %d inputs, %d accepted, %d rejected (%d kinds), %d violations, slowest %.1f ms (%d bytes), %.1f s in the code under test, %.1f s in all",
                     target, inputs, accepted, inputs - accepted - violations, rejectionKinds.count, violations,
                     ms(slowest), slowestSize, ms(testedTime) / 1000, ms(ContinuousClock.now - started) / 1000))
        #expect(violations == 0, "\(target): \(violations) inputs broke the contract")
        // Mutations that never get past the first check would test nothing.
        #expect(rejectionKinds.count >= 3, "\(target): the mutations reached only \(rejectionKinds.count) kinds of rejection")
        if expectAccepted { #expect(accepted > 0, "\(target): no mutated input was accepted") }
    }
}
