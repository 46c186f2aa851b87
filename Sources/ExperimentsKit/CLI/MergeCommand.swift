import Foundation

/// `Experiments merge OUT IN...`: combines the databases of sharded runs.
public struct MergeCommand: Command {
    public static let name = "merge"
    public static let abstract = "Merge result databases (the shards of a sweep) into one."
    public static let help = """
    USAGE: Experiments merge <out.sqlite> <in.sqlite> [<in.sqlite> ...]

    Copies every finished run of each input, with its parameters, metrics, curve and weights,
    into OUT (created if missing), in one transaction per input. Runs already finished in OUT
    are kept; unfinished runs in an input are left out (rerun the shard to finish them).
    """

    public var output: String
    public var inputs: [String]

    public init(arguments: [String]) throws {
        let s = try ArgumentScanner(arguments, options: [], flags: [])
        guard s.positionals.count >= 2 else { throw UsageError("expected an output database and at least one input") }
        output = s.positionals[0]
        inputs = Array(s.positionals.dropFirst())
    }

    public func validate() throws {
        for i in inputs where !FileManager.default.fileExists(atPath: i) { throw UsageError("no such database: \(i)") }
        if inputs.contains(output) { throw UsageError("the output \(output) is also an input") }
    }

    public func run() throws -> Int32 {
        let store = try ResultStore(path: output)
        for input in inputs {
            let r = try store.merge(from: input)
            print("\(input): \(r.added) run(s) added, \(r.kept) already in \(output), \(r.unfinished) unfinished left out")
        }
        return 0
    }
}
