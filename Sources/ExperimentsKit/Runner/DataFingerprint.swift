import Foundation
import Datasets
import TensorCore

extension PairDataset {
    /// SHA-256 over everything a run reads from the data: the embedding shape and Float32 bits
    /// (little-endian), then the train, validation and test pairs (`i`, `j` as 64-bit integers and
    /// the label bits). Two loads give the same fingerprint exactly when training would see the
    /// same numbers, whether the data came from files or from a synthetic generator.
    public var fingerprint: String {
        var h = SHA256()
        func put(_ x: UInt64) { withUnsafeBytes(of: x.littleEndian) { h.update($0) } }
        put(UInt64(embeddings.rows)); put(UInt64(embeddings.cols))
        embeddings.data.withUnsafeBufferPointer { buf in
            var chunk = [UInt32](); chunk.reserveCapacity(4096)
            var k = 0
            while k < buf.count {
                chunk.removeAll(keepingCapacity: true)
                for x in buf[k..<min(k + 4096, buf.count)] { chunk.append(x.bitPattern.littleEndian) }
                chunk.withUnsafeBytes { h.update($0) }
                k += 4096
            }
        }
        for set in [train, val, test] {
            put(UInt64(set.count))
            for k in 0..<set.count {
                put(UInt64(bitPattern: Int64(set.i[k]))); put(UInt64(bitPattern: Int64(set.j[k])))
                put(UInt64(set.label[k].bitPattern))
            }
        }
        return h.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
