import Datasets
import ExperimentsKit
import Foundation
import Models
import Testing

/// The hand-made bad files in `Tests/Corpus`: each must be refused with exactly the one-line
/// error its row in `Tests/Corpus/README.md` gives (the table is the specification; this test
/// reads it). Every file in the corpus must have a row.
///
/// `SYMSIM_CORPUS_PRINT=1` prints the lines the files produce now, as table rows.
@Suite("Hand-made bad files give their documented error")
struct CorpusTests {
    static var corpus: URL { HostileInputTests.corpusDirectory }

    /// `(file relative to Tests/Corpus, expected line)` from the README table.
    static let rows: [(file: String, line: String)] = {
        guard let text = try? String(contentsOf: corpus.appendingPathComponent("README.md"), encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { line -> (String, String)? in
            guard line.hasPrefix("| `") else { return nil }
            let spans = line.split(separator: "`", omittingEmptySubsequences: false).enumerated()
                .filter { $0.offset % 2 == 1 }.map { String($0.element) }
            guard spans.count >= 2, spans[0].hasPrefix("configs/") || spans[0].hasPrefix("data/"),
                  !spans[0].hasSuffix("/"), !spans[0].contains("*") else { return nil }
            return (spans[0], spans[spans.count - 1])
        }
    }()

    static var files: [String] {
        ["configs", "data"].flatMap { sub in
            ((try? FileManager.default.contentsOfDirectory(atPath: corpus.appendingPathComponent(sub).path)) ?? []).map { "\(sub)/\($0)" }
        }.sorted()
    }

    /// The one-line error `file` produces through its public loader, with the directory cut off.
    static func errorLine(_ file: String) -> String {
        let url = corpus.appendingPathComponent(file)
        let path = url.path
        let name = url.lastPathComponent
        let line: String
        do {
            if file.hasPrefix("configs/") {
                _ = try SweepConfig.load(path: path)
            } else if name.hasPrefix("pairs-") {
                _ = try PairLoader.load(path: path, itemCount: 10)
            } else if name.hasPrefix("model-") {
                _ = try ModelFile.load(from: url)
            } else {
                _ = try EmbeddingLoader.load(path: path)
            }
            return "<accepted>"
        } catch let e as ConfigError {
            line = e.description
        } catch let e as DataError {
            line = e.description
        } catch let e as ModelFileError {
            line = e.description
        } catch {
            return "<unexpected \(type(of: error)): \(error)>"
        }
        return line.replacingOccurrences(of: url.deletingLastPathComponent().path + "/", with: "")
    }

    @Test func everyFileHasARow() {
        #expect(Self.rows.count >= 60)
        let listed = Set(Self.rows.map(\.file))
        for file in Self.files { #expect(listed.contains(file), "\(file) has no row in Tests/Corpus/README.md") }
        for row in Self.rows { #expect(Self.files.contains(row.file), "README row for a missing file \(row.file)") }
        if ProcessInfo.processInfo.environment["SYMSIM_CORPUS_PRINT"] != nil {
            for file in Self.files { print("| `\(file)` | | `\(Self.errorLine(file))` |") }
        }
    }

    @Test(arguments: CorpusTests.rows.map(\.file))
    func givesItsDocumentedLine(_ file: String) throws {
        let expected = try #require(Self.rows.first { $0.file == file }?.line)
        let actual = Self.errorLine(file)
        #expect(actual == expected)
        #expect(!actual.contains("\n") && !actual.contains("\r"))
        let data = try Data(contentsOf: Self.corpus.appendingPathComponent(file))
        #expect(data.count <= 4096, "corpus files stay small")
        // A config that is a JSON object is refused with a JSON path, so the line has three parts.
        if file.hasPrefix("configs/"), case .object? = try? JSONValue.parse(data) {
            do {
                _ = try SweepConfig.parse(try JSONValue.parse(data), baseDirectory: Self.corpus)
                Issue.record("accepted")
            } catch let e as ConfigError {
                #expect(!e.path.isEmpty, "\(file): \(e)")
            }
        }
    }
}
