#include "dais/fl/rdp_accountant.h"

#include <bit>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numbers>
#include <stdexcept>
#include <string>

namespace dais::fl {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// log(exp(a) + exp(b)), exact for -infinity operands.
double logAdd(double a, double b) {
    if (a == -kInf) return b;
    if (b == -kInf) return a;
    const double hi = std::max(a, b), lo = std::min(a, b);
    return hi + std::log1p(std::exp(lo - hi));
}

// log(exp(a) - exp(b)) for a >= b.
double logSub(double a, double b) {
    if (b == -kInf) return a;
    if (b >= a) return -kInf;
    return a + std::log1p(-std::exp(b - a));
}

// log(erfc(x)), also where erfc(x) underflows. For x >= 20 it uses the asymptotic expansion
// erfc(x) = exp(-x^2) / (x sqrt(pi)) * (1 + sum_{n>=1} (-1)^n (2n-1)!! / (2x^2)^n)
// (Abramowitz and Stegun 7.1.23), whose terms fall below 1e-19 within ten terms there.
double logErfc(double x) {
    if (x < 20.0) return std::log(std::erfc(x));
    const double r = 1.0 / (2.0 * x * x);
    double term = 1.0, series = 1.0;
    for (int n = 1; n <= 12; ++n) {
        term *= -(2.0 * n - 1.0) * r;
        series += term;
    }
    return -x * x - std::log(x) - 0.5 * std::log(std::numbers::pi) + std::log(series);
}

void checkArguments(double q, double z, double alpha) {
    if (!(q >= 0.0 && q <= 1.0))
        throw std::invalid_argument("sampling rate must be in [0, 1], got " + std::to_string(q));
    if (!(z >= 0.0) || std::isinf(z))
        throw std::invalid_argument("noise multiplier must be finite and >= 0, got " +
                                    std::to_string(z));
    if (!(alpha > 1.0) || std::isinf(alpha))
        throw std::invalid_argument("RDP order must be finite and > 1, got " +
                                    std::to_string(alpha));
}

// Integer order n: A_n = sum_{k=0}^{n} C(n,k) (1-q)^(n-k) q^k exp((k^2 - k) / (2 z^2))
// (Mironov et al. 2019, Section 3.3, integer alpha), summed in log space. The binomial
// coefficients come from the recurrence C(n,k+1) = C(n,k) (n-k)/(k+1).
double logAInteger(double q, double z, double n) {
    const double logQ = std::log(q), log1mQ = std::log1p(-q), twoVar = 2.0 * z * z;
    const auto count = static_cast<long>(n);
    double acc = -kInf, logC = 0.0;
    for (long k = 0; k <= count; ++k) {
        const auto kd = static_cast<double>(k);
        acc = logAdd(acc, logC + kd * logQ + (n - kd) * log1mQ + (kd * kd - kd) / twoVar);
        logC += std::log(n - kd) - std::log(kd + 1.0);
    }
    return acc;
}

// Fractional order alpha: the integral defining A_alpha is split at z0, where
// (1 - q) mu0 = q mu1, i.e. z0 = z^2 log(1/q - 1) + 1/2. Below z0 the generalised binomial
// series of ((1-q) mu0 + q mu1)^alpha is expanded in powers of q mu1 / ((1-q) mu0) < 1, above it
// in powers of (1-q) mu0 / (q mu1) < 1; integrating term by term gives (Mironov et al. 2019,
// Section 3.3)
//   A_alpha = sum_k C(alpha,k) (1-q)^(alpha-k) q^k exp((k^2-k)/(2z^2)) erfc((k-z0)/(sqrt2 z))/2
//           + sum_k C(alpha,k) q^(alpha-k) (1-q)^k exp((j^2-j)/(2z^2)) erfc((z0-j)/(sqrt2 z))/2
// with j = alpha - k. Past k > alpha the coefficients alternate in sign and the magnitudes of
// both terms decrease in k, so the error of stopping is below the first omitted term; the sum
// stops when that term is below e^-30 of A_alpha (A_alpha >= 1).
double logAFractional(double q, double z, double alpha) {
    const double logQ = std::log(q), log1mQ = std::log1p(-q), twoVar = 2.0 * z * z;
    const double z0 = z * z * std::log(1.0 / q - 1.0) + 0.5;
    const double scale = std::sqrt(2.0) * z, logHalf = std::log(0.5);
    double logPos = -kInf, logNeg = -kInf, logC = 0.0;
    bool negative = false;
    constexpr long kMaxTerms = 20'000'000;
    for (long k = 0; k < kMaxTerms; ++k) {
        const auto kd = static_cast<double>(k);
        const double j = alpha - kd;
        const double t0 = logC + kd * logQ + j * log1mQ + (kd * kd - kd) / twoVar + logHalf +
                          logErfc((kd - z0) / scale);
        const double t1 = logC + j * logQ + kd * log1mQ + (j * j - j) / twoVar + logHalf +
                          logErfc((z0 - j) / scale);
        const double term = logAdd(t0, t1);
        if (negative)
            logNeg = logAdd(logNeg, term);
        else
            logPos = logAdd(logPos, term);
        if (kd > alpha && term < logSub(logPos, logNeg) - 30.0) return logSub(logPos, logNeg);
        // C(alpha, k+1) = C(alpha, k) (alpha - k) / (k + 1): the sign flips when alpha - k < 0.
        logC += std::log(std::abs(alpha - kd)) - std::log(kd + 1.0);
        if (alpha - kd < 0.0) negative = !negative;
    }
    throw std::runtime_error("RDP series did not converge at order " + std::to_string(alpha));
}

std::string hexBits(double x) {
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx",
                  static_cast<unsigned long long>(std::bit_cast<std::uint64_t>(x)));
    return buf;
}

}  // namespace

std::vector<double> defaultRdpOrders() {
    std::vector<double> orders{1.1,  1.25, 1.5, 1.75, 2.0, 2.25, 2.5, 2.75, 3.0, 3.25, 3.5,
                               3.75, 4.0,  4.5, 5.0,  5.5, 6.0,  6.5, 7.0,  7.5, 8.0};
    for (int a = 9; a <= 64; ++a)
        orders.push_back(a);
    for (double a : {72.0, 80.0, 96.0, 128.0, 192.0, 256.0})
        orders.push_back(a);
    return orders;
}

double sgmLogA(double q, double z, double alpha) {
    checkArguments(q, z, alpha);
    if (q == 0.0) return 0.0;
    if (z == 0.0) return kInf;
    if (q == 1.0) return alpha * (alpha - 1.0) / (2.0 * z * z);
    if (alpha == std::floor(alpha)) return logAInteger(q, z, alpha);
    return logAFractional(q, z, alpha);
}

double sgmRdp(double q, double z, double alpha) {
    checkArguments(q, z, alpha);
    // q = 1 is the Gaussian mechanism with sensitivity 1 and standard deviation z.
    if (q == 1.0 && z > 0.0) return alpha / (2.0 * z * z);
    const double logA = sgmLogA(q, z, alpha);
    // log A_alpha >= 0 in exact arithmetic; rounding can leave a tiny negative value.
    return std::max(0.0, logA) / (alpha - 1.0);
}

std::vector<double> sgmRdp(double q, double z, std::span<const double> orders) {
    std::vector<double> out;
    out.reserve(orders.size());
    for (double a : orders)
        out.push_back(sgmRdp(q, z, a));
    return out;
}

std::string_view conversionId(RdpConversion conversion) {
    return conversion == RdpConversion::Classic ? "classic" : "improved";
}

std::string_view conversionName(RdpConversion conversion) {
    return conversion == RdpConversion::Classic
               ? "classic RDP conversion (Mironov 2017, Prop. 3)"
               : "improved RDP conversion (Balle et al. 2020; Canonne, Kamath, Steinke 2020)";
}

PrivacySpent rdpToEpsilon(std::span<const double> orders, std::span<const double> rdp, double delta,
                          RdpConversion conversion) {
    if (orders.size() != rdp.size())
        throw std::invalid_argument("RDP curve has " + std::to_string(rdp.size()) + " values for " +
                                    std::to_string(orders.size()) + " orders");
    if (!(delta > 0.0 && delta < 1.0))
        throw std::invalid_argument("delta must be in (0, 1), got " + std::to_string(delta));
    PrivacySpent best{kInf, delta, std::numeric_limits<double>::quiet_NaN(), conversion,
                      conversionName(conversion)};
    const double logDelta = std::log(delta);
    // A curve that is 0 at every order means identical output distributions: epsilon 0. (The
    // conversions themselves are not tight there: on a finite grid they leave a small positive
    // epsilon.)
    bool spent = false;
    for (std::size_t i = 0; i < orders.size(); ++i) {
        if (!(orders[i] > 1.0)) throw std::invalid_argument("RDP order must be > 1");
        if (!(rdp[i] >= 0.0)) throw std::invalid_argument("RDP must be >= 0");
        spent = spent || rdp[i] != 0.0;
    }
    if (!spent) best.epsilon = 0;
    for (std::size_t i = 0; spent && i < orders.size(); ++i) {
        const double a = orders[i], r = rdp[i];
        double eps;
        if (conversion == RdpConversion::Classic)
            eps = r - logDelta / (a - 1.0);
        else
            eps = r + std::log1p(-1.0 / a) - (logDelta + std::log(a)) / (a - 1.0);
        if (eps < best.epsilon) {
            best.epsilon = eps;
            best.order = a;
        }
    }
    // epsilon is never negative; a negative bound means the guarantee holds with epsilon 0.
    best.epsilon = std::max(0.0, best.epsilon);
    return best;
}

RdpAccountant::RdpAccountant(std::vector<double> orders)
    : orders_(std::move(orders)), rdp_(orders_.size(), 0.0) {
    if (orders_.empty()) throw std::invalid_argument("the accountant needs at least one order");
    for (double a : orders_)
        if (!(a > 1.0) || std::isinf(a))
            throw std::invalid_argument("RDP order must be finite and > 1, got " +
                                        std::to_string(a));
}

void RdpAccountant::step(double q, double z, std::uint64_t rounds) {
    if (q != cachedQ_ || z != cachedZ_ || cachedStep_.size() != orders_.size()) {
        cachedStep_ = sgmRdp(q, z, orders_);
        cachedQ_ = q;
        cachedZ_ = z;
    }
    const auto n = static_cast<double>(rounds);
    for (std::size_t i = 0; i < orders_.size(); ++i)
        rdp_[i] += n * cachedStep_[i];
    rounds_ += rounds;
}

PrivacySpent RdpAccountant::epsilon(double delta, RdpConversion conversion) const {
    return rdpToEpsilon(orders_, rdp_, delta, conversion);
}

namespace {
constexpr std::string_view kHeader = "dais-rdp-accountant 1";

std::string_view nextLine(std::string_view& text) {
    const std::size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
    return line;
}

bool parseHex(std::string_view s, std::uint64_t& out) {
    if (s.size() != 16) return false;
    const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out, 16);
    return ec == std::errc{} && ptr == s.data() + s.size();
}

bool parseDecimal(std::string_view s, std::uint64_t& out) {
    if (s.empty()) return false;
    const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out, 10);
    return ec == std::errc{} && ptr == s.data() + s.size();
}

[[noreturn]] void bad(int line, const std::string& what) {
    throw std::invalid_argument("accountant state, line " + std::to_string(line) + ": " + what);
}
}  // namespace

std::string RdpAccountant::save() const {
    std::string out(kHeader);
    out +=
        "\nrounds " + std::to_string(rounds_) + "\norders " + std::to_string(orders_.size()) + "\n";
    for (std::size_t i = 0; i < orders_.size(); ++i)
        out += hexBits(orders_[i]) + " " + hexBits(rdp_[i]) + "\n";
    return out;
}

RdpAccountant RdpAccountant::restore(std::string_view text) {
    if (nextLine(text) != kHeader) bad(1, "expected \"" + std::string(kHeader) + "\"");
    std::uint64_t rounds = 0, count = 0;
    std::string_view line = nextLine(text);
    if (!line.starts_with("rounds ") || !parseDecimal(line.substr(7), rounds))
        bad(2, "expected \"rounds N\"");
    line = nextLine(text);
    if (!line.starts_with("orders ") || !parseDecimal(line.substr(7), count) || count == 0 ||
        count > 100000)
        bad(3, "expected \"orders N\" with 1 <= N <= 100000");
    std::vector<double> orders, rdp;
    for (std::uint64_t i = 0; i < count; ++i) {
        const int lineNo = static_cast<int>(i) + 4;
        line = nextLine(text);
        std::uint64_t a = 0, r = 0;
        if (line.size() != 33 || line[16] != ' ' || !parseHex(line.substr(0, 16), a) ||
            !parseHex(line.substr(17), r))
            bad(lineNo, "expected two 16-digit hexadecimal words");
        orders.push_back(std::bit_cast<double>(a));
        rdp.push_back(std::bit_cast<double>(r));
        if (!(orders.back() > 1.0) || std::isinf(orders.back()))
            bad(lineNo, "order must be finite and > 1");
        if (!(rdp.back() >= 0.0)) bad(lineNo, "RDP must be >= 0");
    }
    while (!text.empty())
        if (!nextLine(text).empty()) bad(static_cast<int>(count) + 4, "unexpected text");
    RdpAccountant acc(std::move(orders));
    acc.rdp_ = std::move(rdp);
    acc.rounds_ = rounds;
    return acc;
}

}  // namespace dais::fl
