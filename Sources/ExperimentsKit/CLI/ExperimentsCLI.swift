import Datasets
import Foundation
import Models
import TensorCore

/// The `Experiments` command line: picks the subcommand, prints help, maps errors to exit codes.
///
/// Exit status: 0 success; 1 a run failed or a database/runtime error; 64 a usage mistake, a bad
/// config or bad data (one line on standard error naming the file, path or line).
public enum ExperimentsCLI {
    static let commands: [Command.Type] = [RunCommand.self, VerifyCommand.self, ReferenceCommand.self, ReportCommand.self,
                                            ExportCommand.self, ScoreCommand.self, MergeCommand.self]

    static var overview: String {
        """
        USAGE: Experiments <subcommand> [options]
               Experiments <config.json> [options]      (same as: Experiments run <config.json>)

        SUBCOMMANDS:
        \(commands.map { "  " + $0.name.padding(toLength: 10, withPad: " ", startingAt: 0) + $0.abstract }.joined(separator: "\n"))

        See 'Experiments <subcommand> --help' for its options.
        """
    }

    /// Runs the command line and exits the process with its status.
    public static func main(_ arguments: [String]) -> Never {
        exit(run(Array(arguments.dropFirst())))
    }

    /// Runs the command line and returns the exit status (tests call this).
    public static func run(_ args: [String]) -> Int32 {
        func fail(_ message: String, _ status: Int32) -> Int32 {
            FileHandle.standardError.write(Data("error: \(message)\n".utf8))
            return status
        }
        guard let first = args.first else {
            print(overview)
            return 64
        }
        if let problem = MatrixProduct.environmentProblem() { return fail(problem, 64) }
        if first == "-h" || first == "--help" || first == "help" {
            if args.count > 1, let c = commands.first(where: { $0.name == args[1] }) { print(c.help) } else { print(overview) }
            return 0
        }
        let type = commands.first { $0.name == first }
        let rest = type == nil ? args : Array(args.dropFirst())
        let commandType: Command.Type = type ?? RunCommand.self
        if type == nil && !first.hasSuffix(".json") && !FileManager.default.fileExists(atPath: first) {
            let hint = suggestion(for: first, among: commands.map { $0.name }).map { " (did you mean '\($0)'?)" } ?? ""
            return fail("unknown subcommand or missing config file '\(first)'\(hint)\n\n\(overview)", 64)
        }
        if rest.contains("-h") || rest.contains("--help") {
            print(commandType.help)
            return 0
        }
        do {
            let command = try commandType.init(arguments: rest)
            try command.validate()
            FileHandle.standardError.write(Data((MatrixProduct.backendDescription + "\n").utf8))
            return try command.run()
        } catch let e as UsageError {
            return fail("\(e.message)\n\n\(commandType.help)", 64)
        } catch let e as ConfigError {
            return fail("\(e)", 64)
        } catch let e as DataError {
            return fail("\(e)", 64)
        } catch let e as ModelSpecError {
            return fail("\(e)", 64)
        } catch let e as ModelFileError {
            return fail("\(e)", 64)
        } catch {
            return fail("\(error)", 1)
        }
    }
}
