import Foundation
import TensorCore

/// The `Experiments` command line: parses arguments and dispatches to a subcommand.
public enum ExperimentsCLI {
    /// Runs the command line and exits the process with its status.
    public static func main(_ arguments: [String]) -> Never {
        FileHandle.standardError.write(Data((MatrixProduct.backendDescription + "\n").utf8))
        print("no experiments exist yet")
        exit(0)
    }
}
