// libFuzzer entry points for the config parser and the data loaders.
//
// Built by `Fuzz/run.sh build` with `swiftc -sanitize=fuzzer,address`, once per target, with
// `-D TARGET_<name>` choosing what one input goes through (the checks are `FuzzOracle`'s,
// shared with the seeded fuzz tests in Tests/ExperimentsKitTests/Fuzz):
//
//   config   config text → JSONValue.parse → SweepConfig.parse
//   npy      bytes → NpyFormat.decode
//   fvecs    bytes → FvecsFormat.decode
//   csv      bytes → DelimitedFormat.decode (as CSV and as TSV)
//   pairs    bytes → PairLoader.decode (12 items), then PairSplitter.split
//   model    bytes + a correct CRC-32 → ModelFile.decode (the harness appends the checksum so
//            mutations reach the header and shape checks instead of dying at the CRC)
//
// A contract violation (wrong error type, a refused JSON object without a JSON path, a
// multi-line message, an accepted value that is not sane) is turned into a trap, which
// libFuzzer reports and saves like any crash.
//
// `SYMSIM_FUZZ_WRITE_SEEDS=DIR` makes the harness write its seed files and a libFuzzer
// dictionary (DIR/../<target>.dict) and exit: the seeds live in Swift, in one place.

import ExperimentsKit
import Foundation

#if TARGET_config
let targetName = "config"
func runOne(_ bytes: [UInt8]) -> FuzzVerdict { FuzzOracle.config(bytes) }
var seedFiles: [[UInt8]] { FuzzSeeds.configs.map { Array($0.utf8) } }
let tokens = FuzzSeeds.configTokens
#elseif TARGET_npy
let targetName = "npy"
func runOne(_ bytes: [UInt8]) -> FuzzVerdict { FuzzOracle.npy(bytes) }
var seedFiles: [[UInt8]] { FuzzSeeds.npyFiles }
let tokens = FuzzSeeds.npyTokens
#elseif TARGET_fvecs
let targetName = "fvecs"
func runOne(_ bytes: [UInt8]) -> FuzzVerdict { FuzzOracle.fvecs(bytes) }
var seedFiles: [[UInt8]] { FuzzSeeds.fvecsFiles }
let tokens: [String] = []
#elseif TARGET_csv
let targetName = "csv"
func runOne(_ bytes: [UInt8]) -> FuzzVerdict { FuzzOracle.delimited(bytes) }
var seedFiles: [[UInt8]] { FuzzSeeds.csvFiles.map { Array($0.utf8) } }
let tokens = FuzzSeeds.textTokens
#elseif TARGET_pairs
let targetName = "pairs"
func runOne(_ bytes: [UInt8]) -> FuzzVerdict { FuzzOracle.pairs(bytes) }
var seedFiles: [[UInt8]] { FuzzSeeds.pairFiles.map { Array($0.utf8) } }
let tokens = FuzzSeeds.textTokens
#elseif TARGET_model
let targetName = "model"
func runOne(_ bytes: [UInt8]) -> FuzzVerdict { FuzzOracle.modelFile(FuzzOracle.withChecksum(bytes)) }
var seedFiles: [[UInt8]] { FuzzSeeds.modelFiles.map { Array($0.dropLast(4)) } }
let tokens = FuzzSeeds.configTokens
#else
#error("build with -D TARGET_config, TARGET_npy, TARGET_fvecs, TARGET_csv, TARGET_pairs or TARGET_model")
#endif

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = size == 0 || data == nil ? [] : Array(UnsafeBufferPointer(start: data, count: size))
    if let violation = runOne(bytes).violation {
        fatalError("\(targetName): contract violation: \(violation)")
    }
    return 0
}

/// libFuzzer's own mutator, for the custom mutator below.
@_silgen_name("LLVMFuzzerMutate")
func libFuzzerMutate(_ data: UnsafeMutablePointer<UInt8>, _ size: Int, _ maxSize: Int) -> Int

/// Half of the mutations are libFuzzer's (coverage-guided byte edits with the dictionary), half
/// are `FuzzMutator`'s: structural JSON edits for the config and the model header, splices and
/// repetitions for the rest. Deterministic in libFuzzer's seed.
@_cdecl("LLVMFuzzerCustomMutator")
public func fuzzCustomMutator(_ data: UnsafeMutablePointer<UInt8>, _ size: Int, _ maxSize: Int, _ seed: UInt32) -> Int {
    var m = FuzzMutator(seed: UInt64(seed) &* 0x9E37_79B9_7F4A_7C15, maxSize: maxSize, dictionary: tokens, pool: seedFiles)
    if m.oneIn(2) { return libFuzzerMutate(data, size, maxSize) }
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    var output: [UInt8]
    #if TARGET_config
    if !m.oneIn(3), let doc = try? JSONValue.parse(Data(input)) {
        output = m.render(m.mutateJSON(doc, donors: FuzzSeeds.configs.compactMap { try? JSONValue.parse(Data($0.utf8)) }))
    } else {
        output = m.mutateBytes(input)
    }
    #elseif TARGET_model
    if let (header, payload) = FuzzSeeds.modelParts(input + [0, 0, 0, 0]), let doc = try? JSONValue.parse(Data(header)), !m.oneIn(3) {
        let file = FuzzOracle.modelFile(header: m.render(m.mutateJSON(doc, donors: [])), payload: m.oneIn(3) ? m.mutateBytes(payload) : payload)
        output = Array(file.dropLast(4))
    } else {
        output = m.mutateBytes(input)
    }
    #else
    output = m.mutateBytes(input)
    #endif
    let n = Swift.min(output.count, maxSize)
    output.withUnsafeBufferPointer { data.update(from: $0.baseAddress!, count: n) }
    return n
}

@_cdecl("LLVMFuzzerInitialize")
public func fuzzInitialize(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> CInt {
    guard let dir = ProcessInfo.processInfo.environment["SYMSIM_FUZZ_WRITE_SEEDS"] else { return 0 }
    let url = URL(fileURLWithPath: dir)
    try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    for (k, seed) in seedFiles.enumerated() {
        try! Data(seed).write(to: url.appendingPathComponent("seed-\(k)"))
    }
    // libFuzzer dictionary: one "token" per line, non-printable bytes as \xNN.
    var dict = ""
    for token in tokens {
        dict += "\""
        for b in token.utf8 {
            if b == 0x22 || b == 0x5C || b < 0x20 || b > 0x7E { dict += String(format: "\\x%02X", b) } else { dict.unicodeScalars.append(Unicode.Scalar(b)) }
        }
        dict += "\"\n"
    }
    try! dict.write(to: url.deletingLastPathComponent().appendingPathComponent("\(targetName).dict"), atomically: true, encoding: .utf8)
    exit(0)
}
