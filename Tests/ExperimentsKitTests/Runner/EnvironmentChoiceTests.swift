import Foundation
import Testing

/// `SYMSIM_GEMM` and `SYMSIM_ISA` choose the product path at start-up; a bad value is a usage
/// mistake: one line naming the variable and what it accepts, exit status 64, nothing run.
@Suite("Product path from the environment")
struct EnvironmentChoiceTests {
    func run(_ environment: [String: String]) throws -> (status: Int32, stderr: String) {
        guard let exe = experimentsExecutable() else {
            Issue.record("Experiments executable not found next to the tests; run `swift build` first")
            return (-1, "")
        }
        let p = Process()
        p.executableURL = exe
        p.arguments = ["--help"]
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        p.environment = env
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        let data = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test func unknownValuesAreRefusedWithOneLine() throws {
        let gemm = try run(["SYMSIM_GEMM": "fastest"])
        #expect(gemm.status == 64)
        #expect(gemm.stderr.hasPrefix("error: SYMSIM_GEMM=fastest: expected one of "))
        #expect(gemm.stderr.split(separator: "\n").count == 1)
        let isa = try run(["SYMSIM_ISA": "sse9"])
        #expect(isa.status == 64)
        #expect(isa.stderr.hasPrefix("error: SYMSIM_ISA=sse9: expected one of "))
        #expect(isa.stderr.contains("scalar"))
    }

    @Test func knownValuesRun() throws {
        for env in [["SYMSIM_GEMM": "swift"], ["SYMSIM_ISA": "scalar"], [:]] {
            let r = try run(env)
            #expect(r.status == 0, "\(env): \(r.stderr)")
        }
    }
}
