#pragma once
// What secure aggregation costs a party in bytes, from the sizes of the protocol's messages, and
// the communication model of Bonawitz et al. (CCS 2017, section 7.1) to compare it with.

#include <cstdint>

#include "dais/crypto/secagg/ring.h"

namespace dais::crypto::secagg {

/// Bytes one party sends and receives in a session where nobody drops out, `degree` neighbours
/// each (parties - 1 on a complete graph), inputs of `length` values in `ring`.
struct PartyTraffic {
    std::uint64_t sent = 0, received = 0;
    std::uint64_t total() const { return sent + received; }
};
PartyTraffic partyTraffic(std::uint64_t degree, std::uint64_t length, const Ring& ring);

/// The paper's expansion factor: a party sends and receives 2n a_K + (5n - 4) a_S + m R bits
/// (a_K = a_S = 256 bits, R = valueBits + log2 n), against m valueBits bits sent in the clear.
/// 1.73 for n = 2^10, m = 2^20, 16-bit values; 1.98 for n = 2^14, m = 2^24.
double paperExpansion(std::uint64_t parties, std::uint64_t length, unsigned valueBits);

/// partyTraffic's total against the same plain input (length values of valueBits bits).
double expansion(std::uint64_t degree, std::uint64_t length, const Ring& ring);

}  // namespace dais::crypto::secagg
