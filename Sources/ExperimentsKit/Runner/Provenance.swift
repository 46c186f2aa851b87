import Datasets
import Foundation
import TensorCore

/// Where and how a sweep ran, recorded with it.
public struct Provenance: Codable, Sendable {
    /// Version of this harness.
    public static let harnessVersion = "0.1.0"

    public var harnessVersion: String
    public var gitCommit: String?
    public var gitDirty: Bool?
    public var swiftVersion: String
    public var matrixProducts: String
    public var threads: Int
    public var cpu: String
    public var os: String
    public var startedAt: String
    /// SHA-256 of every data file the sweep reads, keyed by the path as written in the config.
    public var dataFiles: [String: String]
    /// Absolute directory the config's relative paths were resolved against.
    public var configDirectory: String

    enum CodingKeys: String, CodingKey {
        case harnessVersion = "harness_version", gitCommit = "git_commit", gitDirty = "git_dirty"
        case swiftVersion = "swift_version", matrixProducts = "matrix_products", threads, cpu, os
        case startedAt = "started_at", dataFiles = "data_files", configDirectory = "config_directory"
    }

    /// Collects the provenance of a sweep about to run.
    public static func collect(for config: SweepConfig) -> Provenance {
        var hashes: [String: String] = [:]
        for d in config.datasets {
            for f in d.files {
                let path = f.hasPrefix("/") ? f : config.baseDirectory.appendingPathComponent(f).standardizedFileURL.path
                hashes[f] = (try? sha256Hex(ofFile: path)) ?? "unreadable"
            }
        }
        let git = gitState(in: config.baseDirectory)
        return Provenance(harnessVersion: harnessVersion, gitCommit: git.commit, gitDirty: git.dirty,
                          swiftVersion: swiftVersion, matrixProducts: MatrixProduct.backendDescription,
                          threads: config.threads, cpu: cpuModel(), os: osDescription(),
                          startedAt: ISO8601DateFormatter().string(from: Date()), dataFiles: hashes,
                          configDirectory: config.baseDirectory.standardizedFileURL.path)
    }

    static var swiftVersion: String {
        // `compiler(...)` tests the compiler, `swift(...)` only the language mode (5 here).
        #if compiler(>=6.4)
        return "6.4 or later"
        #elseif compiler(>=6.3)
        return "6.3"
        #elseif compiler(>=6.2)
        return "6.2"
        #elseif compiler(>=6.0)
        return "6.0–6.1"
        #else
        return "older than 6.0"
        #endif
    }

    static func cpuModel() -> String {
        if let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
           let line = text.split(separator: "\n").first(where: { $0.hasPrefix("model name") }),
           let colon = line.firstIndex(of: ":") {
            return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces) + " × \(ProcessInfo.processInfo.activeProcessorCount)"
        }
        return "unknown × \(ProcessInfo.processInfo.activeProcessorCount)"
    }

    static func osDescription() -> String {
        ProcessInfo.processInfo.operatingSystemVersionString
    }

    static func gitState(in directory: URL) -> (commit: String?, dirty: Bool?) {
        func git(_ args: [String]) -> String? {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            p.arguments = ["git", "-C", directory.path] + args
            let out = Pipe()
            p.standardOutput = out
            p.standardError = FileHandle.nullDevice
            do { try p.run() } catch { return nil }
            let data = out.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            guard p.terminationStatus == 0 else { return nil }
            return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        guard let commit = git(["rev-parse", "HEAD"]) else { return (nil, nil) }
        let status = git(["status", "--porcelain", "--untracked-files=no"])
        return (commit, status.map { !$0.isEmpty })
    }
}
