import Foundation

/// A usage mistake on the command line: printed with the subcommand's usage, exit status 64.
public struct UsageError: Error, CustomStringConvertible, Equatable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// One subcommand, in the style of swift-argument-parser: a value type built from its
/// arguments, checked by `validate()` before `run()` returns the exit status.
public protocol Command {
    /// The word that selects the subcommand.
    static var name: String { get }
    /// One line for the command list.
    static var abstract: String { get }
    /// Usage and options, printed by `--help`.
    static var help: String { get }
    /// Parses the arguments after the subcommand's name.
    init(arguments: [String]) throws
    /// Checks the options before anything runs.
    func validate() throws
    /// Does the work; returns the exit status.
    func run() throws -> Int32
}

extension Command {
    public func validate() throws {}
}

/// A tiny argument scanner: `--flag`, `--option value`, `--option=value`, positionals.
struct ArgumentScanner {
    var positionals: [String] = []
    var options: [String: String] = [:]
    var flags: Set<String> = []

    init(_ arguments: [String], options optionNames: Set<String>, flags flagNames: Set<String>) throws {
        var i = 0
        while i < arguments.count {
            let a = arguments[i]
            if a == "--" { positionals += arguments[(i + 1)...]; break }
            if a.hasPrefix("--") {
                let body = String(a.dropFirst(2))
                let (name, inline) = body.contains("=")
                    ? (String(body[..<body.firstIndex(of: "=")!]), String(body[body.index(after: body.firstIndex(of: "=")!)...]))
                    : (body, nil)
                if flagNames.contains(name) {
                    guard inline == nil else { throw UsageError("--\(name) takes no value") }
                    flags.insert(name)
                } else if optionNames.contains(name) {
                    if let inline { options[name] = inline } else {
                        guard i + 1 < arguments.count else { throw UsageError("--\(name) needs a value") }
                        i += 1
                        options[name] = arguments[i]
                    }
                } else {
                    let all = Array(flagNames) + Array(optionNames)
                    let hint = suggestion(for: name, among: all).map { " (did you mean --\($0)?)" } ?? ""
                    throw UsageError("unknown option --\(name)\(hint)")
                }
            } else if a.hasPrefix("-") && a.count > 1 && Double(a) == nil {
                throw UsageError("unknown option \(a)")
            } else {
                positionals.append(a)
            }
            i += 1
        }
    }

    func int(_ name: String, min: Int) throws -> Int? {
        guard let v = options[name] else { return nil }
        guard let i = Int(v), i >= min else { throw UsageError("--\(name): expected an integer ≥ \(min), got \"\(v)\"") }
        return i
    }
}
