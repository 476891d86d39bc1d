// Sample statistics of a sweep's replicates, and the Student t quantiles of their confidence
// intervals.

#include <cmath>
#include <limits>

#include "dais/core/experiment.h"

namespace dais::core {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// The continued fraction of the regularised incomplete beta function (modified Lentz), good
/// for x < (a + 1) / (a + b + 2).
double betaFraction(double a, double b, double x) {
    constexpr double kTiny = 1e-300;
    constexpr double kEpsilon = 1e-16;
    constexpr int kMaxTerms = 100000;
    const double qab = a + b, qap = a + 1, qam = a - 1;
    double c = 1;
    double d = 1 - qab * x / qap;
    if (std::abs(d) < kTiny) d = kTiny;
    d = 1 / d;
    double h = d;
    for (int m = 1; m <= kMaxTerms; ++m) {
        const double m2 = 2.0 * m;
        double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
        d = 1 + aa * d;
        if (std::abs(d) < kTiny) d = kTiny;
        c = 1 + aa / c;
        if (std::abs(c) < kTiny) c = kTiny;
        d = 1 / d;
        h *= d * c;
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1 + aa * d;
        if (std::abs(d) < kTiny) d = kTiny;
        c = 1 + aa / c;
        if (std::abs(c) < kTiny) c = kTiny;
        d = 1 / d;
        const double step = d * c;
        h *= step;
        if (std::abs(step - 1) < kEpsilon) break;
    }
    return h;
}

/// The regularised incomplete beta function I_x(a, b), 0 <= x <= 1.
double incompleteBeta(double a, double b, double x) {
    if (x <= 0) return 0;
    if (x >= 1) return 1;
    const double logFront =
        std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) + b * std::log1p(-x);
    const double front = std::exp(logFront);
    if (x < (a + 1) / (a + b + 2)) return front * betaFraction(a, b, x) / a;
    return 1 - front * betaFraction(b, a, 1 - x) / b;
}

/// The upper quantile of the standard normal distribution: z with P(Z > z) = tail, found by
/// bisection on erfc (exact to the last bits erfc offers).
double normalUpperQuantile(double tail) {
    double lo = 0, hi = 40;
    for (int i = 0; i < 2000; ++i) {
        const double mid = 0.5 * (lo + hi);
        if (mid <= lo || mid >= hi) break;
        (0.5 * std::erfc(mid / std::sqrt(2.0)) > tail ? lo : hi) = mid;
    }
    return 0.5 * (lo + hi);
}

/// The upper quantile of Student's t: t with P(T > t) = tail, for tail <= 1/2. For large df the
/// Cornish-Fisher expansion (Abramowitz and Stegun 26.7.5) is exact to double precision; below,
/// P(|T| > t) = I_x(df/2, 1/2) with x = df / (df + t^2) is solved for x by bisection.
double tUpperQuantile(double tail, double df) {
    if (std::isinf(df)) return normalUpperQuantile(tail);
    if (df >= 1e5) {
        const double z = normalUpperQuantile(tail);
        const double z2 = z * z, z3 = z2 * z, z5 = z3 * z2, z7 = z5 * z2, z9 = z7 * z2;
        const double g1 = (z3 + z) / 4;
        const double g2 = (5 * z5 + 16 * z3 + 3 * z) / 96;
        const double g3 = (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / 384;
        const double g4 = (79 * z9 + 776 * z7 + 1482 * z5 - 1920 * z3 - 945 * z) / 92160;
        return z + (g1 + (g2 + (g3 + g4 / df) / df) / df) / df;
    }
    const double target = 2 * tail;  // the two-sided tail, which I_x gives
    // Far out (small tails) x is small and found to full relative precision. Near the centre
    // x is close to 1, so solve for y = 1 - x = t^2 / (df + t^2) instead, through
    // I_x(a, b) = 1 - I_y(b, a), where 1 - target is exact.
    const bool far = target < 0.5;
    const double a = far ? df / 2 : 0.5, b = far ? 0.5 : df / 2;
    const double goal = far ? target : 1 - target;
    double lo = 0, hi = 1;  // I grows with its argument
    for (int i = 0; i < 4000; ++i) {
        const double mid = 0.5 * (lo + hi);
        if (mid <= lo || mid >= hi) break;
        (incompleteBeta(a, b, mid) < goal ? lo : hi) = mid;
    }
    const double u = 0.5 * (lo + hi);
    return far ? std::sqrt(df * (1 - u) / u) : std::sqrt(df * u / (1 - u));
}

}  // namespace

double studentTQuantile(double p, double df) {
    if (!(p > 0 && p < 1) || !(df > 0)) return kNaN;
    if (p == 0.5) return 0;
    return p > 0.5 ? tUpperQuantile(1 - p, df) : -tUpperQuantile(p, df);
}

SampleStats sampleStats(std::span<const double> values) {
    SampleStats s;
    s.n = values.size();
    s.halfWidth = kNaN;
    if (s.n == 0) {
        s.mean = kNaN;
        return s;
    }
    // Two passes: the mean, then the squared deviations from it (no cancellation).
    double sum = 0;
    for (double v : values)
        sum += v;
    s.mean = sum / static_cast<double>(s.n);
    if (s.n < 2) return s;
    double squares = 0;
    for (double v : values)
        squares += (v - s.mean) * (v - s.mean);
    s.stddev = std::sqrt(squares / static_cast<double>(s.n - 1));
    s.halfWidth = studentTQuantile(0.975, static_cast<double>(s.n - 1)) * s.stddev /
                  std::sqrt(static_cast<double>(s.n));
    return s;
}

}  // namespace dais::core
