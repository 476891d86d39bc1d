#pragma once
// Secure aggregation after Bonawitz et al., "Practical Secure Aggregation for Privacy-Preserving
// Machine Learning" (CCS 2017), in its honest-but-curious form, over a complete graph (SecAgg) or
// a sparse one (SecAgg+, Bell et al., CCS 2020). The parties' and the server's arithmetic; the
// messages are values that something else carries (the layer, over the simulated network).
//
//   0 AdvertiseKeys   each party sends two X25519 public keys: one to seal shares, one to agree
//                     on masks; the server forwards each party its neighbours' keys (U1).
//   1 ShareKeys       each party draws a self-mask seed b_u and t-out-of-m Shamir shares of b_u
//                     and of its mask secret key among itself and its neighbours in U1, seals
//                     each neighbour's pair of shares to it and sends them through the server (U2).
//   2 MaskedInput     each party sends y_u = x_u + PRG(b_u) + sum_v +-PRG(s_uv) over its
//                     neighbours v in U2 (+ when u < v), in Z_(2^R); the server adds them up (U3).
//   3 Unmasking       the server names the survivors U3; each party opens the shares it holds and
//                     reveals, for every neighbour, the share of b_v if v survived, else of v's
//                     mask secret key, never both (U4). With t shares of each, the server removes
//                     the self masks of the survivors and the pairwise masks the dropped left in
//                     their neighbours' inputs: what remains is sum_{u in U3} x_u.
//
// Any step with fewer parties than the threshold aborts the session, revealing nothing: the
// parties check it before they unmask. Every party counts the operations it performs, and so
// does the server, for a cost model to turn into time.

#include <cstdint>
#include <span>
#include <vector>

#include "dais/core/result.h"
#include "dais/crypto/secagg/keys.h"
#include "dais/crypto/secagg/neighbourhood.h"
#include "dais/crypto/secagg/ring.h"
#include "dais/crypto/secagg/shamir.h"

namespace dais::crypto::secagg {

struct Config {
    std::uint64_t sessionTag = 0;  ///< authenticated in every sealed share
    std::size_t length = 0;        ///< values in every input
    Ring ring;
    /// The fewest parties any step may go on with (and so the fewest inputs in a sum).
    std::size_t threshold = 1;
    /// Shares needed to reconstruct a party's secret: the threshold itself on a complete graph;
    /// on a sparse one, a share of the neighbourhood (see shareThresholdFor).
    std::size_t shareThreshold = 1;
};

/// The share threshold of SecAgg+ for neighbourhoods of k: the same fraction of k + 1 holders
/// as threshold / parties, and more than half of them, so the shares a server gathers for a
/// party's self mask and for its mask key can never both reach the threshold.
std::size_t shareThresholdFor(std::size_t threshold, std::size_t parties, std::size_t k);

// The messages, with their sizes on the wire (party numbers are 4 bytes).
struct Advertisement {
    std::uint32_t party = 0;
    Key32 cipherPublic{}, maskPublic{};
    static constexpr std::uint64_t kWireBytes = 4 + 2 * KeyPair::kPublicBytes;
};
/// What a party seals for one holder: both its shares.
struct SealedShares {
    std::uint32_t from = 0, to = 0;
    std::vector<std::uint8_t> box;
    static constexpr std::uint64_t kPlainBytes = 8 + 2 * Share::kWireBytes;
    static constexpr std::uint64_t kWireBytes = 8 + kPlainBytes + kSealOverhead;
};
struct MaskedInput {
    std::uint32_t party = 0;
    std::vector<std::uint64_t> words;  ///< in the ring: only the low R bits travel
    std::uint64_t wireBytes(const Ring& ring) const { return 4 + ring.packedBytes(words.size()); }
};
struct RevealedShare {
    std::uint32_t of = 0;   ///< whose secret
    bool selfSeed = false;  ///< b_of (a survivor) or of's mask secret key (a dropped party)
    Share share;
    static constexpr std::uint64_t kWireBytes = 4 + 1 + Share::kWireBytes;
};
/// The survivors a party is told of: those among it and its neighbours, and their number in all.
struct SurvivorList {
    std::vector<std::uint32_t> parties;
    std::uint32_t total = 0;
    std::uint64_t wireBytes() const { return 4 * (parties.size() + 1); }
};
struct UnmaskResponse {
    std::uint32_t party = 0;
    std::vector<RevealedShare> shares;
    std::uint64_t wireBytes() const { return 4 + shares.size() * RevealedShare::kWireBytes; }
};

/// Operations performed, for the cost model.
struct Work {
    std::uint64_t keyPairs = 0;    ///< X25519 key pairs made
    std::uint64_t agreements = 0;  ///< X25519 agreements (with the key derivation)
    std::uint64_t sealed = 0;      ///< boxes sealed or opened
    std::uint64_t shareTerms = 0;  ///< Shamir polynomial terms evaluated (limbs x degree x holders)
    std::uint64_t interpolation = 0;  ///< Lagrange terms (coefficients and weighted sums)
    std::uint64_t maskWords = 0;      ///< 64-bit mask words generated and added
    std::uint64_t inputWords = 0;     ///< words quantised or summed without a mask
    Work& operator+=(const Work& o);
};

/// A party's random stream: ChaCha20 keyed by its 32-byte seed.
class SeededWords final : public RandomWords {
  public:
    explicit SeededWords(const Key32& seed);
    std::uint64_t next() override;

  private:
    Key32 seed_;
    std::uint64_t block_[8] = {};
    std::uint64_t counter_ = 0;
    unsigned used_ = 8;
};

class Party {
  public:
    /// Draws the party's two key pairs from `random`.
    Party(const Config& config, const Neighbourhood& graph, std::uint32_t party,
          RandomWords& random);
    std::uint32_t id() const { return id_; }
    Advertisement advertise() const;
    /// Round 1, with the neighbours' advertisements the server forwarded: the sealed shares for
    /// each of them. Refused with fewer than the share threshold of holders (itself included),
    /// with an advertisement from a non-neighbour, or with a repeated public key.
    core::Result<std::vector<SealedShares>> shareKeys(std::span<const Advertisement> neighbours,
                                                      RandomWords& random);
    /// Round 2: masks its quantised input (length words) with the neighbours whose sealed
    /// shares reached it. Refused: a box that does not open, fewer parties than the threshold.
    core::Result<MaskedInput> maskInput(std::span<const std::uint64_t> input,
                                        std::vector<SealedShares> received);
    /// Round 3: the survivors among the party and its neighbours (ascending), and how many
    /// survived in all, as the server names them; refused below the threshold or when the list
    /// names a party that cannot have survived.
    core::Result<UnmaskResponse> unmask(std::span<const std::uint32_t> survivors,
                                        std::size_t survivorCount);
    const Work& work() const { return work_; }

  private:
    struct Peer {
        Advertisement keys;
        Key32 cipherKey{};
        bool shared = false;  ///< its sealed shares reached this party (it is in U2)
        Share maskKeyShare, selfSeedShare;
    };
    Config config_;
    const Neighbourhood* graph_;
    std::uint32_t id_;
    KeyPair cipher_, mask_;
    Secret maskSecret_{}, selfSeed_{};
    Share ownSelfSeedShare_;
    std::vector<Peer> peers_;  // ascending party number
    bool masked_ = false;
    Work work_;
};

class Server {
  public:
    /// `graph` must outlive the server.
    Server(const Config& config, const Neighbourhood& graph);

    // Round 0
    core::Result<void> receive(const Advertisement& a);
    /// The advertisements of the party's neighbours that advertised.
    std::vector<Advertisement> keysFor(std::uint32_t party) const;
    // Round 1
    core::Result<void> receive(std::uint32_t from, std::vector<SealedShares> shares);
    /// Takes the sealed shares addressed to `party` (from parties of U2).
    std::vector<SealedShares> sharesFor(std::uint32_t party);
    // Round 2
    core::Result<void> receive(const MaskedInput& m);
    /// U3, ascending.
    std::vector<std::uint32_t> survivors() const;
    /// The survivors among a party and its neighbours, ascending: what the party is told.
    std::vector<std::uint32_t> survivorsFor(std::uint32_t party) const;
    // Round 3
    core::Result<void> receive(const UnmaskResponse& r);
    /// The sum of the survivors' inputs in the ring's words (low R bits), or why it cannot be
    /// computed (then nothing is revealed).
    core::Result<std::vector<std::uint64_t>> finish();

    std::size_t advertised() const { return count(kAdvertised); }
    std::size_t shared() const { return count(kShared); }
    std::size_t maskedInputs() const { return count(kMasked); }
    std::size_t responded() const { return count(kResponded); }
    bool advertisedBy(std::uint32_t p) const { return has(p, kAdvertised); }
    bool sharedBy(std::uint32_t p) const { return has(p, kShared); }
    bool maskedBy(std::uint32_t p) const { return has(p, kMasked); }
    bool respondedBy(std::uint32_t p) const { return has(p, kResponded); }
    const Work& work() const { return work_; }

  private:
    static constexpr std::uint8_t kAdvertised = 1, kShared = 2, kMasked = 4, kResponded = 8;
    bool has(std::uint32_t p, std::uint8_t f) const { return p < flags_.size() && (flags_[p] & f); }
    std::size_t count(std::uint8_t f) const;

    Config config_;
    const Neighbourhood* graph_;
    std::vector<std::uint8_t> flags_;
    std::vector<Advertisement> keys_;
    std::vector<std::vector<SealedShares>> inbox_;  // by addressee
    std::vector<std::uint64_t> sum_;
    std::vector<std::vector<RevealedShare>> revealed_;  // by whose secret
    std::vector<std::uint32_t> survivors_;
    bool unmasking_ = false, finished_ = false;
    Work work_;
};

}  // namespace dais::crypto::secagg
