#pragma once
// The run fingerprint: a hash folded over every executed event's (time, target, kind), and over
// the values models choose to fold in.

#include <cstdint>
#include <string>

#include "dais/sim/event.h"
#include "dais/sim/rng.h"

namespace dais::sim {

/// Order-sensitive 64-bit hash of the executed event sequence. Two runs with the same
/// fingerprint executed the same events at the same times in the same order.
class Fingerprint {
  public:
    void fold(const Event& e) {
        const std::uint64_t tk = (static_cast<std::uint64_t>(e.target) << 16) | e.kind;
        h_ = (h_ ^ static_cast<std::uint64_t>(e.time)) * 0x9fb21c651e98df25ULL;
        h_ = (h_ ^ tk) * 0xc6a4a7935bd1e995ULL;
        h_ ^= h_ >> 29;
    }
    /// Folds a value a model computed (a digest of a trained model), so that the fingerprint
    /// also tells apart runs whose events agree but whose results do not.
    void foldValue(std::uint64_t v) {
        h_ = (h_ ^ v) * 0x9fb21c651e98df25ULL;
        h_ ^= h_ >> 31;
    }
    /// The final value, mixed once more so that close sequences give distant numbers.
    std::uint64_t value() const { return mix64(h_); }
    /// 16 lower-case hex digits.
    std::string hex() const;
    static std::string toHex(std::uint64_t v);

  private:
    std::uint64_t h_ = 0x243f6a8885a308d3ULL;
};

}  // namespace dais::sim
