#pragma once
// A whole secure-aggregation session in one process, without a network: every party and the
// server in turn, each step's messages handed over at once. For benchmarks of the real
// cryptography and for tests of the protocol; the layer runs the same rounds over the network.

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "dais/crypto/secagg/ring.h"

namespace dais::crypto::secagg {

/// When a party drops out: never, before advertising keys, before sharing them, after sharing
/// (before its masked input), after its masked input (before unmasking).
enum class DropAt : std::uint8_t { Never, Advertise, Share, Mask, Unmask };

struct LocalSession {
    std::size_t parties = 0, length = 0, threshold = 1;
    std::size_t neighbours = 0;  ///< 0: a complete graph (SecAgg); else SecAgg+ with this k
    Ring ring;
    std::uint64_t seed = 1;
    std::vector<DropAt> drops;  ///< by party; missing: Never
    /// Writes party p's quantised input (length words) into `out`.
    std::function<void(std::uint32_t p, std::span<std::uint64_t> out)> input;
    /// Keeps this party's masked input as the server sees it (none when >= parties).
    std::uint32_t watch = 0xffffffffu;
};

struct LocalSessionResult {
    bool revealed = false;
    std::string reason;              ///< why it aborted
    std::vector<std::uint64_t> sum;  ///< ring words (low R bits)
    std::vector<std::uint32_t> survivors;
    // Wall time, seconds, summed over the parties (or the server's).
    double keySeconds = 0, shareSeconds = 0, maskSeconds = 0, unmaskSeconds = 0, serverSeconds = 0;
    std::size_t maskingParties = 0;  ///< parties that masked
    std::uint64_t watchedSent = 0, watchedReceived = 0;
    std::vector<std::uint64_t> watchedMasked;
};

LocalSessionResult runLocalSession(const LocalSession& s);

}  // namespace dais::crypto::secagg
