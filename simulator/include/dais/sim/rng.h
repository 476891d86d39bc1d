#pragma once
// Counter-based random streams named by (run seed, layer, node, purpose), and the
// distributions the models draw from. Everything here is integer arithmetic or IEEE
// double arithmetic with a fixed operation order, so draws are the same on every machine.

#include <cmath>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace dais::sim {

/// Stafford's "Mix13" finaliser (the one SplitMix64 uses): a bijection on 64-bit words.
constexpr std::uint64_t mix64(std::uint64_t z) {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/// The full 128-bit product a * b: returns the low word, stores the high word.
inline std::uint64_t mulWide(std::uint64_t a, std::uint64_t b, std::uint64_t& high) {
    __extension__ using U128 = unsigned __int128;
    const U128 m = static_cast<U128>(a) * b;
    high = static_cast<std::uint64_t>(m >> 64);
    return static_cast<std::uint64_t>(m);
}

/// FNV-1a over a string, folded through mix64: turns stream names into key material.
constexpr std::uint64_t hashName(std::string_view s) {
    std::uint64_t h = 0xcbf29ce484222325ULL;
    for (unsigned char c : s)
        h = (h ^ c) * 0x100000001b3ULL;
    return mix64(h);
}

/// The 128-bit key of a stream: (seed, layer, node, purpose) hashed into two words.
struct StreamKey {
    std::uint64_t k0 = 0;
    std::uint64_t k1 = 0;
    static constexpr StreamKey make(std::uint64_t seed, std::string_view layer, std::uint64_t node,
                                    std::string_view purpose) {
        const std::uint64_t a = mix64(seed ^ 0x6a09e667f3bcc909ULL);
        const std::uint64_t b = mix64(a ^ hashName(layer));
        const std::uint64_t c = mix64(b + 0x9e3779b97f4a7c15ULL * (node + 1));
        const std::uint64_t d = mix64(c ^ hashName(purpose));
        return {d, mix64(d ^ 0xbb67ae8584caa73bULL)};
    }
};

/// A counter-based stream: draw n is a keyed hash of n, so a stream is defined by its key
/// alone and streams of different keys are independent (no shared state, no ordering
/// between nodes). Two rounds of mix64 with a key word injected before each make distinct
/// keys give unrelated sequences rather than shifted copies of one sequence.
class RngStream {
  public:
    RngStream() = default;
    explicit constexpr RngStream(StreamKey key, std::uint64_t counter = 0)
        : key_(key), counter_(counter) {}
    RngStream(std::uint64_t seed, std::string_view layer, std::uint64_t node,
              std::string_view purpose)
        : key_(StreamKey::make(seed, layer, node, purpose)) {}

    /// The next 64 random bits.
    constexpr std::uint64_t next() {
        const std::uint64_t x = counter_++ * 0x9e3779b97f4a7c15ULL;
        return mix64(mix64(x ^ key_.k0) + key_.k1);
    }
    /// Uniform on [0, 1), 53 bits.
    double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
    /// Uniform on (0, 1], never 0: safe under log().
    double uniformPositive() { return static_cast<double>((next() >> 11) + 1) * 0x1.0p-53; }
    /// Uniform on [lo, hi).
    double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
    /// Uniform integer in [0, n), n >= 1 (Lemire's multiply-shift, with rejection: unbiased).
    std::uint64_t below(std::uint64_t n) {
        std::uint64_t hi, lo = mulWide(next(), n, hi);
        if (lo < n) {
            const std::uint64_t threshold = (0 - n) % n;
            while (lo < threshold)
                lo = mulWide(next(), n, hi);
        }
        return hi;
    }
    bool bernoulli(double p) { return uniform() < p; }
    /// Exponential with the given mean.
    double exponential(double mean) { return -std::log(uniformPositive()) * mean; }
    /// Normal (Marsaglia's polar method; the spare value is discarded to keep one draw per
    /// call stateless apart from the counter).
    double normal(double mean, double stddev);
    /// Log-normal: exp(N(mu, sigma)); the median is exp(mu).
    double lognormal(double mu, double sigma) { return std::exp(normal(mu, sigma)); }
    /// Pareto (type I) with scale xm > 0 (the minimum) and shape alpha > 0.
    double pareto(double xm, double alpha) {
        return xm * std::exp(-std::log(uniformPositive()) / alpha);
    }

    std::uint64_t counter() const { return counter_; }
    const StreamKey& key() const { return key_; }

  private:
    StreamKey key_{};
    std::uint64_t counter_ = 0;
};

/// Draws an index with probability proportional to its weight, in O(1) (Walker's alias method,
/// Vose's construction).
class CategoricalSampler {
  public:
    CategoricalSampler() = default;
    /// weights: non-negative, finite, with a positive sum.
    explicit CategoricalSampler(std::span<const double> weights);
    std::size_t operator()(RngStream& rng) const;
    std::size_t size() const { return prob_.size(); }

  private:
    std::vector<double> prob_;
    std::vector<std::uint32_t> alias_;
};

/// Zipf on {1..n} with exponent s > 0 (P(k) proportional to k^-s), in O(1) expected time by
/// rejection-inversion (Hormann and Derflinger, 1996).
class ZipfSampler {
  public:
    ZipfSampler() = default;
    ZipfSampler(std::uint64_t n, double s);
    std::uint64_t operator()(RngStream& rng) const;

  private:
    double h(double x) const;
    double hInverse(double x) const;
    std::uint64_t n_ = 1;
    double s_ = 1.0;
    double hX1_ = 0, hN_ = 0, threshold_ = 0;
};

}  // namespace dais::sim
