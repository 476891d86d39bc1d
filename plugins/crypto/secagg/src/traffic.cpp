// Message sizes added up per party.
#include "dais/crypto/secagg/traffic.h"

#include <cmath>

#include "dais/crypto/secagg/protocol.h"

namespace dais::crypto::secagg {

PartyTraffic partyTraffic(std::uint64_t degree, std::uint64_t length, const Ring& ring) {
    PartyTraffic t;
    // Sent: its keys, a sealed pair of shares per neighbour, its masked input, and its own self
    // seed share with one share per neighbour when it unmasks.
    t.sent = Advertisement::kWireBytes + degree * SealedShares::kWireBytes + 4 +
             ring.packedBytes(length) + 4 + (degree + 1) * RevealedShare::kWireBytes;
    // Received: its neighbours' keys, their sealed shares, and the survivors among them and
    // itself with their number in all.
    t.received =
        degree * Advertisement::kWireBytes + degree * SealedShares::kWireBytes + 4 * (degree + 2);
    return t;
}

double paperExpansion(std::uint64_t parties, std::uint64_t length, unsigned valueBits) {
    const double n = static_cast<double>(parties), m = static_cast<double>(length);
    const double r = valueBits + std::ceil(std::log2(n));
    const double bits = 2 * n * 256 + (5 * n - 4) * 256 + m * r;
    return bits / (m * valueBits);
}

double expansion(std::uint64_t degree, std::uint64_t length, const Ring& ring) {
    const double plainBytes = static_cast<double>(length) * ring.valueBits / 8.0;
    return static_cast<double>(partyTraffic(degree, length, ring).total()) / plainBytes;
}

}  // namespace dais::crypto::secagg
