import Foundation
import Testing
@testable import ExperimentsKit

/// The report's statistics against SciPy.
///
/// Reference values were computed once with SciPy 1.17.1 (Python 3.11, a virtual environment
/// outside the repository) and pasted here as literals:
/// `scipy.stats.t.ppf(p, df)`, `scipy.stats.t.cdf(x, df)`, `scipy.special.betainc(a, b, x)`,
/// `scipy.stats.t.interval(0.95, n - 1, loc=mean, scale=std(ddof=1)/sqrt(n))` and
/// `scipy.stats.ttest_rel(a, b).confidence_interval(0.95)`.
@Suite("Report statistics")
struct ReportStatisticsTests {
    static func close(_ a: Double, _ b: Double, rel: Double = 1e-9, abs absTol: Double = 1e-12) -> Bool {
        abs(a - b) <= max(absTol, rel * abs(b))
    }

    /// `scipy.stats.t.ppf(0.975, df)`.
    static let t975: [(df: Double, t: Double)] = [
        (1, 12.706204736174694), (2, 4.302652729749462), (3, 3.1824463052837078), (4, 2.7764451051977934),
        (5, 2.5705818356363146), (6, 2.4469118511449786), (7, 2.364624251592784), (8, 2.306004135204166),
        (9, 2.262157162798205), (10, 2.228138851986274), (12, 2.1788128296672284), (14, 2.144786687917804),
        (15, 2.131449545559776), (20, 2.085963447265864), (29, 2.045229642132703), (30, 2.0422724563012378),
        (44, 2.0153675744437636), (50, 2.008559112100761), (100, 1.9839715185235518), (1000, 1.9623390808264083),
    ]

    @Test("t quantile t(0.975, df) matches scipy.stats.t.ppf", arguments: t975)
    func tQuantile975(df: Double, t: Double) {
        let q = ReportStatistics.studentTQuantile(0.975, degreesOfFreedom: df)
        #expect(Self.close(q, t), "df \(df): \(q) vs scipy \(t)")
    }

    /// `scipy.stats.t.ppf(p, df)` away from 0.975, both tails.
    static let otherQuantiles: [(p: Double, df: Double, t: Double)] = [
        (0.9, 3, 1.637744353696209), (0.995, 2, 9.924843200918287), (0.5, 7, 0.0),
        (0.025, 4, -2.7764451051977943), (0.999, 1, 318.30883898555015), (0.75, 10, 0.6998120613124317),
        (0.95, 60, 1.6706488649046363),
    ]

    @Test("t quantiles at other probabilities match scipy", arguments: otherQuantiles)
    func tQuantileOther(p: Double, df: Double, t: Double) {
        let q = ReportStatistics.studentTQuantile(p, degreesOfFreedom: df)
        #expect(Self.close(q, t), "p \(p), df \(df): \(q) vs scipy \(t)")
    }

    /// `scipy.stats.t.cdf(x, df)`.
    static let cdfs: [(x: Double, df: Double, p: Double)] = [
        (2.0, 3, 0.9303370157205785), (-1.5, 5, 0.09695184012123664), (0.3, 1, 0.5927735790777423),
        (4.0, 2, 0.9714045207910317), (1.0, 30, 0.8373456922869849),
    ]

    @Test("t CDF matches scipy.stats.t.cdf", arguments: cdfs)
    func tCDF(x: Double, df: Double, p: Double) {
        #expect(Self.close(ReportStatistics.studentTCDF(x, degreesOfFreedom: df), p, rel: 1e-11))
    }

    /// `scipy.special.betainc(a, b, x)`.
    static let betas: [(a: Double, b: Double, x: Double, value: Double)] = [
        (0.5, 0.5, 0.3, 0.36901011956554536), (2, 3, 0.4, 0.5247999999999999), (10, 0.5, 0.9, 0.15164090963470994),
        (1.5, 20, 0.05, 0.44342120168569027), (50, 50, 0.5, 0.5000000000000007),
    ]

    @Test("regularized incomplete beta matches scipy.special.betainc", arguments: betas)
    func incompleteBeta(a: Double, b: Double, x: Double, value: Double) {
        #expect(Self.close(ReportStatistics.regularizedIncompleteBeta(a: a, b: b, x: x), value, rel: 1e-11))
    }

    @Test("quantile inverts the CDF and is antisymmetric")
    func quantileInvertsCDF() {
        for df in [1.0, 2, 3, 4.5, 9, 27, 250] {
            for p in [0.001, 0.05, 0.3, 0.6, 0.9, 0.975, 0.9999] {
                let t = ReportStatistics.studentTQuantile(p, degreesOfFreedom: df)
                #expect(Self.close(ReportStatistics.studentTCDF(t, degreesOfFreedom: df), p, rel: 1e-10), "df \(df), p \(p)")
                #expect(Self.close(ReportStatistics.studentTQuantile(1 - p, degreesOfFreedom: df), -t, rel: 1e-9))
            }
        }
        #expect(ReportStatistics.studentTQuantile(1, degreesOfFreedom: 3) == .infinity)
        #expect(ReportStatistics.studentTQuantile(0, degreesOfFreedom: 3) == -.infinity)
    }

    /// Samples and `scipy.stats.t.interval(0.95, n-1, loc=mean, scale=s/sqrt(n))`:
    /// `(values, mean, std(ddof=1), lower, upper)`.
    static let intervals: [(values: [Double], mean: Double, std: Double, lower: Double, upper: Double)] = [
        ([0.9869, 0.9861, 0.9877], 0.9869, 0.0008000000000000229, 0.9849126898305997, 0.9888873101694003),
        ([0.71, 0.83, 0.95, 0.62, 0.88], 0.798, 0.13255187663703596, 0.6334151068854459, 0.9625848931145542),
        ([0.5, 0.6], 0.55, 0.07071067811865474, -0.08531023680873451, 1.1853102368087347),
    ]

    @Test("mean ± t·s/√n matches scipy.stats.t.interval", arguments: intervals)
    func meanInterval(values: [Double], mean: Double, std: Double, lower: Double, upper: Double) throws {
        let e = try #require(ReportStatistics.meanEstimate(values))
        #expect(e.n == values.count)
        #expect(Self.close(e.mean, mean, rel: 1e-12))
        #expect(Self.close(try #require(e.standardDeviation), std, rel: 1e-9))
        #expect(Self.close(try #require(e.lower), lower, rel: 1e-9))
        #expect(Self.close(try #require(e.upper), upper, rel: 1e-9))
    }

    @Test("paired comparison matches scipy.stats.ttest_rel's confidence interval")
    func pairedMatchesScipy() throws {
        // ttest_rel([0.97, 0.95, 0.99], [0.96, 0.96, 0.97]).confidence_interval(0.95)
        let a = [0: 0.97, 1: 0.95, 2: 0.99, 7: 0.5], b = [0: 0.96, 1: 0.96, 2: 0.97, 9: 0.4]
        let p = try #require(ReportStatistics.paired(a, b))
        #expect(p.keys == [0, 1, 2], "only the shared seeds are paired")
        #expect(Self.close(p.estimate.mean, 0.006666666666666672, rel: 1e-9))
        #expect(Self.close(try #require(p.estimate.lower), -0.031279163669300954, rel: 1e-9))
        #expect(Self.close(try #require(p.estimate.upper), 0.0446124970026343, rel: 1e-9))
        #expect(p.wins == 2 && p.losses == 1 && p.ties == 0)
        #expect(p.estimate.sign == .containsZero)
    }

    @Test("one value has no interval; no values, no estimate; non-finite values are dropped")
    func edgeCases() throws {
        let one = try #require(ReportStatistics.meanEstimate([0.8]))
        #expect(one.n == 1 && one.mean == 0.8 && one.halfWidth == nil && one.lower == nil && one.sign == .undetermined)
        #expect(ReportStatistics.meanEstimate([]) == nil)
        #expect(ReportStatistics.meanEstimate([.nan, .infinity]) == nil)
        let withNaN = try #require(ReportStatistics.meanEstimate([0.5, .nan, 0.6]))
        #expect(withNaN.n == 2 && Self.close(withNaN.mean, 0.55))
        #expect(ReportStatistics.paired([1: 0.5], [2: 0.5]) == nil)
        let single = try #require(ReportStatistics.paired([1: 0.7], [1: 0.5]))
        #expect(single.estimate.sign == .undetermined && single.wins == 1)
        // Constant differences: zero spread, a zero-width interval, clearly signed.
        let constant = try #require(ReportStatistics.paired([0: 0.75, 1: 0.5], [0: 0.5, 1: 0.25]))
        #expect(constant.estimate.halfWidth == 0 && constant.estimate.sign == .positive)
    }

    @Test("report number formats")
    func formats() {
        let e = MeanEstimate(n: 3, mean: 0.98691, standardDeviation: 0.001, halfWidth: 0.00205, level: 0.95)
        #expect(ReportFormat.estimate(e) == "0.9869 ± 0.0021")
        #expect(ReportFormat.estimate(MeanEstimate(n: 1, mean: 0.5, standardDeviation: nil, halfWidth: nil, level: 0.95)) == "0.5000 (1 seed)")
        #expect(ReportFormat.signed(-0.0012) == "−0.0012")
        #expect(ReportFormat.signed(0.00001) == "0.0000")
        #expect(ReportFormat.interval(MeanEstimate(n: 3, mean: 0.01, standardDeviation: 0.01, halfWidth: 0.02, level: 0.95)) == "[−0.0100, +0.0300]")
        #expect(ReportFormat.count(133281) == "133,281")
        #expect(ReportFormat.count(2) == "2")
        #expect(ReportFormat.small(0) == "0")
        #expect(ReportFormat.small(0.18) == "0.180")
        #expect(ReportFormat.small(0.0000123) == "1.23e-05")
        #expect(ReportFormat.list(["a", "b", "c"]) == "a, b and c")
    }
}
