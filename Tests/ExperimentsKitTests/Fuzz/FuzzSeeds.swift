import Datasets
import ExperimentsKit
import Foundation
import Models
import TensorCore

/// Valid files the mutations start from, and the tokens they insert.
///
/// Shared with the libFuzzer harnesses (`Fuzz/run.sh` writes these seeds into each harness's
/// starting corpus), so it uses public API only.
enum FuzzSeeds {
    // MARK: - Configs

    /// Small valid configs that together use every key, architecture, distribution and dataset kind.
    static let configs: [String] = [
        """
        {"datasets": [{"synthetic": "clusters", "items": 200, "dim": 8, "train_pairs": 300, "val_pairs": 100, "test_pairs": 100}],
         "models": [{"architecture": "concat"}]}
        """,
        """
        {"name": "grid", "database": "out/grid.sqlite", "jobs": 2, "threads": 1, "seeds": [0, 1], "save_weights": false,
         "datasets": [{"synthetic": "hidden_metric", "items": 100, "dim": 8, "informative_dim": 3, "nuisance_std": 2.5},
                      {"synthetic": "norms", "name": "n", "twin_fraction": 0.25, "norm_tolerance": 0.2, "item_fractions": {"train": 0.5, "val": 0.25, "test": 0.25}}],
         "training": {"epochs": 3, "batch_size": 64, "learning_rate": [0.01, 0.001], "optimizer": "sgd", "weight_decay": 0.0001,
                      "momentum": 0.8, "patience": 0, "margin": 2},
         "augmentation": {"swap": true, "reflexive": 0.5},
         "models": [{"architecture": "dot"}, {"architecture": "cosine"},
                    {"architecture": "concat", "hidden": [[8], [16, 8]], "symmetrize": ["none", "average"], "activation": "tanh"},
                    {"architecture": "outer", "width": 4, "rank": [0, 2], "hidden": [], "initializer": "glorot_uniform"},
                    {"architecture": "mirror", "width": 8, "merge": ["sum", "mean", "max"], "hidden": [4], "initializer": "he_normal"},
                    {"architecture": "sharedq", "width": 4, "tower": [8], "score": "distance", "training": {"loss": "contrastive"}},
                    {"architecture": "pooling", "features": [["sum", "absdiff"], ["product"]], "augmentation": {"reflexive": [0, 1]}}]}
        """,
        """
        {"search": {"samples": 4, "seed": 3}, "seeds": 7,
         "datasets": [{"synthetic": "interaction", "items": 64, "dim": 4, "seed": 9, "cluster_count": 4}],
         "models": [{"architecture": "mirror", "width": {"int_uniform": [2, 16]}, "merge": {"choice": ["sum", "max"]},
                     "training": {"learning_rate": {"log_uniform": [0.0001, 0.1]}, "weight_decay": {"uniform": [0, 0.01]},
                                  "momentum": {"uniform": [0.5, 0.99]}}}]}
        """,
        """
        {"datasets": [{"name": "files", "embeddings": "data/e.npy", "train": "data/t.csv", "val": "data/v.csv", "test": "data/s.csv"},
                      {"embeddings": "/abs/e.fvecs", "pairs": "p.csv", "split_by": "pair", "fractions": [0.5, 0.25, 0.25], "split_seed": 4},
                      {"name": "tsv", "embeddings": "e.tsv", "pairs": "p.csv"}],
         "models": [{"architecture": "sharedq", "score": ["dot", "cosine"], "width": 2}]}
        """,
        """
        {"datasets": [{"synthetic": "clusters", "cluster_count": 5, "latent_dim": 3, "cluster_spread": 0.5, "noise_std": 0.05,
                       "items": 40, "dim": 6, "train_pairs": 10, "val_pairs": 10, "test_pairs": 10}],
         "training": {"epochs": {"int_uniform": [1, 3]}, "optimizer": {"choice": ["adam", "sgd"]}},
         "search": {"samples": 2},
         "models": [{"architecture": "outer", "width": [2, 3], "rank": {"int_uniform": [0, 3]}}]}
        """,
    ]

    /// Tokens that matter to the config parser and validator.
    static let configTokens: [String] = ["{", "}", "[", "]", ",", ":", "\"", "\\", "\\u0000", "\\ud800", "\\udc00",
                                         "\\u00e9", "null", "true", "false", "NaN", "Infinity", "-Infinity", "1e309",
                                         "-0", "0.0", "9223372036854775808", "1e-400", "//", "/*", "\u{FEFF}",
                                         "\"architecture\"", "\"models\"", "\"datasets\"", "\"synthetic\"",
                                         "\"embeddings\"", "\"seeds\"", "\"hidden\"", "\"width\"", "\"rank\"",
                                         "\"uniform\"", "\"log_uniform\"", "\"int_uniform\"", "\"choice\"",
                                         "\"samples\"", "\"training\"", "\"augmentation\"", "\"\": ", "[[[[", "{\"a\":"]

    // MARK: - Embeddings

    static let matrix = Matrix(rows: 3, cols: 4, data: [0.5, -1, 2.25, 0, 1e-3, -7, 3, 0.125, 100, -0.5, 1, 2])

    /// A `.npy` file with the given header dictionary, version and payload, padded as NumPy pads it.
    static func npy(dict: String, major: UInt8 = 1, payload: [UInt8]) -> [UInt8] {
        let lengthBytes = major == 1 ? 2 : 4
        let unpadded = 8 + lengthBytes + dict.utf8.count + 1
        let header = Array(dict.utf8) + [UInt8](repeating: 0x20, count: (64 - unpadded % 64) % 64) + [0x0A]
        var out = NpyFormat.magic + [major, 0]
        for b in 0..<lengthBytes { out.append(UInt8(truncatingIfNeeded: header.count >> (8 * b))) }
        return out + header + payload
    }

    static func f32(_ values: [Float]) -> [UInt8] { values.flatMap { v in withUnsafeBytes(of: v.bitPattern.littleEndian) { Array($0) } } }
    static func f64(_ values: [Double]) -> [UInt8] { values.flatMap { v in withUnsafeBytes(of: v.bitPattern.littleEndian) { Array($0) } } }

    static var npyFiles: [[UInt8]] {
        [Array(NpyFormat.encode(matrix)),
         npy(dict: "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }", major: 2, payload: f64(matrix.data.map(Double.init))),
         npy(dict: "{\"shape\": (2, 6), \"fortran_order\": False, \"descr\": \"<f4\", \"extra\": [1, (2,), None]}", major: 3, payload: f32(matrix.data)),
         npy(dict: "{'descr': '<f4', 'fortran_order': False, 'shape': (1L, 1L), }", payload: f32([42])),
         Array(NpyFormat.encode(Matrix(rows: 1, cols: 1, data: [1])))]
    }

    static let npyTokens: [String] = ["{", "}", "(", ")", "[", "]", ",", ":", " ", "'", "\"", "'descr'", "'<f4'", "'<f8'",
                                      "'>f4'", "'<i4'", "'|u1'", "'fortran_order'", "True", "False", "None", "'shape'",
                                      "(3, 4)", "(3,)", "()", "(0, 4)", "(-1, 4)", "(4611686018427387904, 4)",
                                      "99999999999999999999", "L", "\\", "\u{93}NUMPY", "\n"]

    static var fvecsFiles: [[UInt8]] {
        [Array(FvecsFormat.encode(matrix)), Array(FvecsFormat.encode(Matrix(rows: 1, cols: 1, data: [3])))]
    }

    static let csvFiles: [String] = ["a,b,c,d\n1,2,3,4\n\"5\",6.5,-7e-1,8\n9,10,11,12\n",
                                     "1\t2\t3\t4\r\n5\t6\t7\t8\r\n",
                                     "\u{FEFF}x,y\n\n 1 , 2 \n3,4\n\n",
                                     "0.1,0.2\n0.3,0.4"]

    static let textTokens: [String] = [",", "\t", "\n", "\r\n", "\"", "\"\"", " ", "nan", "NaN", "inf", "-inf", "1e39",
                                       "-1e39", "3.4028235e38", "0x1p3", "1_0", "--1", "+1", "\u{FEFF}", "é", "i", "j",
                                       "label", "I", "LABEL", "-1", "12", "11", "0", "1", "1.0", "0.0", "2", "1e0",
                                       "9223372036854775808"]

    // MARK: - Pairs

    static let pairFiles: [String] = ["i,j,label\n0,1,1\n2,3,0\n4,5,1\n6,7,0\n8,9,1\n10,11,0\n1,4,1\n3,8,0\n",
                                      "label,note,j,i\n1,\"a,b\",0,11\n0,,5,6\n1.0,x,2,2\n",
                                      "I , J , LABEL\r\n0,1,1\r\n1,2,0\r\n2,3,1\r\n3,4,0\r\n4,5,1\r\n5,0,0\r\n"]

    // MARK: - Model files

    /// One small saved model per architecture and variant.
    static var modelFiles: [[UInt8]] {
        var specs: [ModelSpec] = Architecture.allCases.map { ModelSpec($0) }
        var outer = ModelSpec(.outer); outer.rank = 2; outer.width = 3; outer.hidden = []
        var sharedq = ModelSpec(.sharedq); sharedq.tower = [4]; sharedq.score = .distance; sharedq.width = 2
        var pooling = ModelSpec(.pooling); pooling.features = [.absdiff]
        specs += [outer, sharedq, pooling]
        return specs.map { spec -> [UInt8] in
            var s = spec
            if s.hidden == [64] { s.hidden = [3] }
            if s.width == 32 { s.width = 2 }
            let model = try! ModelFactory.make(s, inputDim: 3, seed: 1)  // valid by construction
            return Array(ModelFile.encode(model))
        }
    }

    /// Splits a model file into its header JSON and parameter bytes (without the CRC).
    static func modelParts(_ file: [UInt8]) -> (header: [UInt8], payload: [UInt8])? {
        guard file.count >= 20 else { return nil }
        let length = Int(file[12]) | Int(file[13]) << 8 | Int(file[14]) << 16 | Int(file[15]) << 24
        guard 16 + length + 4 <= file.count else { return nil }
        return (Array(file[16..<(16 + length)]), Array(file[(16 + length)..<(file.count - 4)]))
    }
}
