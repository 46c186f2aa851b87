/// A refused data file, pair file or data option, described in one line.
///
/// `description` is `file:line: message` when a line is known and `file: message` otherwise,
/// in the style of compilers, so editors and terminals can jump to the spot:
///
///     data/x.npy: unsupported dtype '<i4' (expected '<f4' or '<f8')
///     pairs.csv:7: label must be 0 or 1, got "2"
///
/// Conventions inside messages: **lines are 1-based** (as editors count them); **rows,
/// columns, vector numbers and item indices are 0-based** (as the embedding matrix and the
/// pair files index items). Loaders throw this type for every bad input and never trap.
public struct DataError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file (as the caller named it), or a pseudo-source such as `synthetic:norms`.
    public var file: String
    /// The 1-based line the problem is on, when the format has lines.
    public var line: Int?
    /// What was wrong and what was expected.
    public var message: String

    /// An error about `file` (optionally at `line`).
    public init(file: String, line: Int? = nil, _ message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    /// The one-line report: `file:line: message` or `file: message`.
    public var description: String {
        if let line { return "\(file):\(line): \(message)" }
        return "\(file): \(message)"
    }
}
