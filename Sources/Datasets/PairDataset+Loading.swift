import TensorCore

extension PairDataset {
    /// Loads an embeddings file and three pair files (train, validation, test).
    ///
    /// Each pair file is checked by `PairLoader` against the number of embedding rows; in
    /// addition a pair may appear in only one of the three files (a pair in two splits would
    /// leak labels into evaluation), which is refused naming both places. Items *may* be
    /// shared between files: a user who supplies their own splits decides that.
    /// `name` defaults to the embeddings file's name without extension.
    public static func load(name: String? = nil, embeddings: String, train: String, val: String, test: String) throws -> PairDataset {
        let matrix = try EmbeddingLoader.load(path: embeddings)
        var firstSeen: [PairKey: (file: String, line: Int)] = [:]
        var sets: [PairSet] = []
        for path in [train, val, test] {
            let (pairs, lines) = try PairLoader.loadWithLines(path: path, itemCount: matrix.rows)
            var here: [PairKey: Int] = [:]
            for k in 0..<pairs.count {
                let key = PairKey(pairs.i[k], pairs.j[k])
                if let other = firstSeen[key] {
                    throw DataError(file: path, line: lines[k],
                                    "pair (\(pairs.i[k]), \(pairs.j[k])) is also in \(other.file):\(other.line) (a pair belongs to one split only)")
                }
                here[key] = lines[k]
            }
            for (key, line) in here { firstSeen[key] = (path, line) }
            sets.append(pairs)
        }
        return PairDataset(name: name ?? stem(embeddings), embeddings: matrix,
                           train: sets[0], val: sets[1], test: sets[2], files: [embeddings, train, val, test])
    }

    /// Loads an embeddings file and one pair file, split deterministically by `PairSplitter`.
    ///
    /// Returns the dataset and the number of pairs dropped because their items fell into
    /// different splits (`.item` only).
    public static func load(name: String? = nil, embeddings: String, pairs: String, splitBy unit: SplitUnit,
                            fractions: SplitFractions, seed: UInt64) throws -> (dataset: PairDataset, droppedCrossPairs: Int) {
        let matrix = try EmbeddingLoader.load(path: embeddings)
        let all = try PairLoader.load(path: pairs, itemCount: matrix.rows)
        let split = try PairSplitter.split(all, by: unit, fractions: fractions, seed: seed, source: pairs)
        let dataset = PairDataset(name: name ?? stem(embeddings), embeddings: matrix,
                                  train: split.train, val: split.val, test: split.test, files: [embeddings, pairs])
        return (dataset, split.droppedCrossPairs)
    }

    /// The last path component without its extension.
    public static func stem(_ path: String) -> String {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return name }
        return String(name[..<dot])
    }
}
