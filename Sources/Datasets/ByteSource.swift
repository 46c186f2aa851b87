import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Random-access bytes that the binary loaders read from: a file (read in place, no
/// intermediate copy of the whole file) or an in-memory `Data` (used by `decode` entry points
/// and the fuzz tests). Every read is bounds-checked against `size`.
protocol ByteSource {
    /// Name used in error messages.
    var source: String { get }
    /// Total number of bytes.
    var size: Int { get }
    /// Reads up to `buffer.count` bytes starting at `offset`; returns how many were read
    /// (fewer only at the end of the source).
    func read(at offset: Int, into buffer: UnsafeMutableRawBufferPointer) throws -> Int
}

extension ByteSource {
    /// Exactly `count` bytes at `offset`, or a "truncated" error.
    func bytes(at offset: Int, count: Int, what: String) throws -> [UInt8] {
        guard count >= 0, offset >= 0, offset <= size, count <= size - offset else {
            throw DataError(file: source, "truncated: \(what) needs \(count) bytes at offset \(offset), file has \(size)")
        }
        var out = [UInt8](repeating: 0, count: count)
        let n = try out.withUnsafeMutableBytes { try read(at: offset, into: $0) }
        guard n == count else {
            throw DataError(file: source, "truncated: \(what) needs \(count) bytes at offset \(offset), read \(n)")
        }
        return out
    }

    /// The whole source as bytes.
    func allBytes() throws -> [UInt8] {
        try bytes(at: 0, count: size, what: "the file")
    }
}

/// Bytes of a regular file, read with `pread` into caller-owned buffers.
final class FileBytes: ByteSource {
    let source: String
    let size: Int
    private let fd: Int32

    /// Opens `path` for reading; refuses missing files, directories and other non-regular files.
    init(path: String) throws {
        source = path
        let fd = open(path, O_RDONLY | O_NONBLOCK)  // O_NONBLOCK: a FIFO must not hang the open
        guard fd >= 0 else {
            let code = errno
            switch code {
            case ENOENT: throw DataError(file: path, "file not found")
            case EACCES: throw DataError(file: path, "permission denied")
            default: throw DataError(file: path, "cannot open: \(String(cString: strerror(code)))")
            }
        }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            let code = errno
            close(fd)
            throw DataError(file: path, "cannot stat: \(String(cString: strerror(code)))")
        }
        guard (st.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            if (st.st_mode & S_IFMT) == S_IFDIR { throw DataError(file: path, "is a directory, expected a file") }
            throw DataError(file: path, "not a regular file")
        }
        self.fd = fd
        self.size = Int(st.st_size)
    }

    deinit { close(fd) }

    func read(at offset: Int, into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        var done = 0
        while done < buffer.count {
            let n = pread(fd, base + done, buffer.count - done, off_t(offset + done))
            if n < 0 {
                let code = errno
                if code == EINTR { continue }
                if code == EISDIR { throw DataError(file: source, "is a directory, expected a file") }
                throw DataError(file: source, "read error: \(String(cString: strerror(code)))")
            }
            if n == 0 { break }
            done += n
        }
        return done
    }
}

/// Bytes held in memory.
struct MemoryBytes: ByteSource {
    let source: String
    let data: Data
    var size: Int { data.count }

    func read(at offset: Int, into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard offset >= 0, offset <= data.count else { return 0 }
        let n = Swift.min(buffer.count, data.count - offset)
        guard n > 0, let dst = buffer.baseAddress else { return 0 }
        data.withUnsafeBytes { src in
            dst.copyMemory(from: src.baseAddress! + offset, byteCount: n)
        }
        return n
    }
}
