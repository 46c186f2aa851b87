import Foundation
import Testing
import TensorCore
@testable import Datasets

@Suite("SHA-256")
struct SHA256Tests {
    @Test("FIPS 180-4 test vectors", arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
    ])
    func vectors(input: String, digest: String) {
        #expect(sha256Hex(of: Array(input.utf8)) == digest)
    }

    @Test("one million 'a', fed in uneven chunks, and through a file")
    func millionA() throws {
        let bytes = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        let digest = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
        var h = SHA256()
        var offset = 0, step = 1
        while offset < bytes.count {
            let end = Swift.min(bytes.count, offset + step)
            h.update(bytes[offset..<end])
            offset = end
            step = step * 3 % 1000 + 1
        }
        #expect(h.finalize().map { String(format: "%02x", $0) }.joined() == digest)
        let dir = try TempDir()
        let path = try dir.write("a.bin", bytes)
        #expect(try sha256Hex(ofFile: path) == digest)
        #expect(errorLine { _ = try sha256Hex(ofFile: dir.path("missing")) } == "\(dir.path("missing")): file not found")
    }

    @Test("lengths around the padding boundary (reference digests from Python's hashlib)", arguments: [
        (55, "d5e285683cd4efc02d021a5c62014694958901005d6f71e89e0989fac77e4072"),
        (56, "04c26261370ee7541549d16dee320c723e3fd14671e66a099afe0a377c16888e"),
        (57, "ae14a2563ccf969d99aca69ce6bb74981f734bbf9f655f73b8f06db68cab5217"),
        (63, "75220b47218278e656f2013bb8f0c455a25eaf01e86c64924e9d48d89776d6f2"),
        (64, "7ce100971f64e7001e8fe5a51973ecdfe1ced42befe7ee8d5fd6219506b5393c"),
        (65, "9537c5fdf120482f7d58d25e9ed583f52c02b4e304ea814db1633ad565aed7e9"),
        (119, "000b48d4edf0fa7bee3c6236ecd2785baa5db4eeb8bb54341b029e0d9fa5fb0c"),
        (120, "13f05a0b594787f5ecd315edc96141bd3243203d1b7d4f0836f37308b276ba98"),
        (128, "24da1b81d0b16df6428eee73c69fcb2a93c76bc6df706f0c6670fe6bfe800464"),
    ])
    func paddingBoundaries(n: Int, digest: String) {
        let bytes = [UInt8](repeating: UInt8(ascii: "x"), count: n)
        #expect(sha256Hex(of: bytes) == digest)
        for cut in [1, n / 2, n - 1] {
            var h = SHA256()
            h.update(bytes[0..<cut])
            h.update(bytes[cut...])
            #expect(h.finalize().map { String(format: "%02x", $0) }.joined() == digest)
        }
    }
}
