// swift-tools-version:6.0
// The harness: a tensor core with reverse-mode autodiff, symmetric similarity models,
// dataset loaders and an experiment runner that records results in SQLite.
import PackageDescription
import Foundation

// MARK: - Matrix-product backend

/// Headers that identify a usable CBLAS (OpenBLAS on Linux). `#if canImport` cannot detect a
/// missing system header, so the choice is made here, where the file system is visible.
let cblasHeaders = [
    "/usr/include/x86_64-linux-gnu/cblas-openblas.h",
    "/usr/include/aarch64-linux-gnu/cblas-openblas.h",
    "/usr/include/openblas/cblas.h",
    "/usr/local/include/cblas.h",
]
let environment = ProcessInfo.processInfo.environment
#if os(macOS)
let defaultBLAS = "accelerate"
#else
let defaultBLAS = cblasHeaders.contains { FileManager.default.fileExists(atPath: $0) } ? "openblas" : "swift"
#endif
/// `SYMSIM_BLAS=openblas|accelerate|swift` overrides the detection.
let blasBackend = environment["SYMSIM_BLAS"] ?? defaultBLAS

var coreDependencies: [Target.Dependency] = []
var coreSettings: [SwiftSetting] = []
switch blasBackend {
case "openblas":
    coreDependencies.append("SymSimCBLAS")
    coreSettings.append(.define("SYMSIM_OPENBLAS"))
case "accelerate":
    coreSettings.append(.define("SYMSIM_ACCELERATE"))
default:
    break
}

// MARK: - Targets

let package = Package(
    name: "SymSim",
    platforms: [.macOS(.v13)],
    // Language mode 5: the core hands raw buffers to worker threads, which strict mode forbids.

    products: [
        .library(name: "TensorCore", targets: ["TensorCore"]),
        .library(name: "Models", targets: ["Models"]),
        .library(name: "Datasets", targets: ["Datasets"]),
        .executable(name: "Experiments", targets: ["Experiments"]),
        .executable(name: "MatmulBench", targets: ["MatmulBench"]),
        .executable(name: "LoadBench", targets: ["LoadBench"]),
        .executable(name: "TrainBench", targets: ["TrainBench"]),
    ],
    targets: [
        .systemLibrary(
            name: "SymSimSQLite",
            path: "Sources/SymSimSQLite",
            providers: [.apt(["libsqlite3-dev"]), .brew(["sqlite"])]
        ),
        .systemLibrary(
            name: "SymSimCBLAS",
            path: "Sources/SymSimCBLAS",
            providers: [.apt(["libopenblas-dev"]), .brew(["openblas"])]
        ),
        // Explicit AVX-512 / AVX2 kernels (sgemm, Adam, the tape's element-wise passes), picked at
        // run time (C: Swift compiles for baseline x86-64 and cannot emit AVX-512 for one function). Optimised even in debug
        // builds, and without contraction, so the order of operations is exactly what the code says.
        .target(
            name: "SymSimKernels",
            path: "Sources/SymSimKernels",
            cSettings: [.unsafeFlags(["-O3", "-ffp-contract=off", "-fno-math-errno", "-gdwarf-4"])]
        ),
        .target(
            name: "TensorCore",
            dependencies: coreDependencies + ["SymSimKernels"],
            swiftSettings: coreSettings,
            linkerSettings: blasBackend == "accelerate" ? [.linkedFramework("Accelerate")] : []
        ),
        .target(name: "Models", dependencies: ["TensorCore"]),
        .target(name: "Datasets", dependencies: ["TensorCore"]),
        .target(name: "ExperimentsKit", dependencies: ["TensorCore", "Models", "Datasets", "SymSimSQLite"]),
        .executableTarget(name: "Experiments", dependencies: ["ExperimentsKit"]),
        .executableTarget(name: "MatmulBench", dependencies: ["TensorCore", "Models"]),
        .executableTarget(name: "LoadBench", dependencies: ["Datasets", "TensorCore"]),
        .executableTarget(name: "TrainBench", dependencies: ["Models", "TensorCore"]),

        // MARK: - Tests
        .testTarget(name: "TensorCoreTests", dependencies: ["TensorCore", "SymSimKernels"]),
        .testTarget(name: "ModelsTests", dependencies: ["Models", "TensorCore"]),
        .testTarget(name: "DatasetsTests", dependencies: ["Datasets", "TensorCore"]),
        .testTarget(name: "ExperimentsKitTests", dependencies: ["ExperimentsKit", "TensorCore", "Datasets", "Models"], exclude: ["Fixtures"]),
    ],
    swiftLanguageModes: [.v5]
)
