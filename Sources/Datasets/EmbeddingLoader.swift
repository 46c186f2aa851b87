import TensorCore

/// Loads an item-embedding matrix (items × dim) from a file, choosing the format by extension.
///
/// | extension | format |
/// |---|---|
/// | `.npy` | NumPy array, `<f4` or `<f8`, C order (`NpyFormat`) |
/// | `.fvecs` | int32 dimension + float32 values per vector (`FvecsFormat`) |
/// | `.csv` / `.tsv` | numeric text, comma / tab separated, optional header (`DelimitedFormat`) |
///
/// The extension is matched case-insensitively. Every failure is a one-line `DataError`.
public enum EmbeddingLoader {
    /// The extensions `load(path:)` understands, lower-case, without the dot.
    public static let supportedExtensions = ["npy", "fvecs", "csv", "tsv"]

    /// Loads the embedding matrix at `path`; row `k` is item `k`.
    public static func load(path: String) throws -> Matrix {
        switch fileExtension(path) {
        case "npy": return try NpyFormat.load(path: path)
        case "fvecs": return try FvecsFormat.load(path: path)
        case "csv": return try DelimitedFormat.load(path: path, delimiter: ",")
        case "tsv": return try DelimitedFormat.load(path: path, delimiter: "\t")
        case let ext:
            let shown = ext.isEmpty ? "no extension" : "extension '.\(ext)'"
            throw DataError(file: path, "unsupported embeddings file \(shown) (expected .npy, .fvecs, .csv or .tsv)")
        }
    }

    /// The lower-cased extension of the last path component, without the dot ("" if none).
    static func fileExtension(_ path: String) -> String {
        let name = path.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? path
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return "" }
        return String(name[name.index(after: dot)...]).lowercased()
    }
}
