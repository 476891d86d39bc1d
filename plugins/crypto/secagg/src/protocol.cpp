// The four rounds of secure aggregation, for a party and for the server.
#include "dais/crypto/secagg/protocol.h"

#include <sodium.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>

#include "dais/crypto/sodium_init.h"

namespace dais::crypto::secagg {

namespace {

std::string partyName(std::uint32_t p) {
    return "party " + std::to_string(p);
}

void putU32(std::uint8_t* out, std::uint32_t v) {
    for (int b = 0; b < 4; ++b)
        out[b] = static_cast<std::uint8_t>(v >> (8 * b));
}
std::uint32_t getU32(const std::uint8_t* in) {
    std::uint32_t v = 0;
    for (int b = 0; b < 4; ++b)
        v |= static_cast<std::uint32_t>(in[b]) << (8 * b);
    return v;
}
void putSecret(std::uint8_t* out, const Secret& s) {
    const auto bytes = secretBytes(s);
    std::memcpy(out, bytes.data(), bytes.size());
}
Secret getSecret(const std::uint8_t* in) {
    Secret s{};
    for (std::size_t i = 0; i < 4; ++i)
        for (std::size_t b = 0; b < 8; ++b)
            s[i] |= static_cast<std::uint64_t>(in[i * 8 + b]) << (8 * b);
    return s;
}

/// Sign of party a's mask for the pair (a, b): + when a < b.
int pairSign(std::uint32_t a, std::uint32_t b) {
    return a < b ? 1 : -1;
}

}  // namespace

std::size_t shareThresholdFor(std::size_t threshold, std::size_t parties, std::size_t k) {
    if (parties == 0) return 1;
    if (k + 1 >= parties) return threshold;
    const std::size_t holders = k + 1;
    const double fraction = static_cast<double>(threshold) / static_cast<double>(parties);
    const auto scaled =
        static_cast<std::size_t>(std::ceil(fraction * static_cast<double>(holders) - 1e-9));
    return std::clamp<std::size_t>(std::max(scaled, holders / 2 + 1), 1, holders);
}

Work& Work::operator+=(const Work& o) {
    keyPairs += o.keyPairs;
    agreements += o.agreements;
    sealed += o.sealed;
    shareTerms += o.shareTerms;
    interpolation += o.interpolation;
    maskWords += o.maskWords;
    inputWords += o.inputWords;
    return *this;
}

SeededWords::SeededWords(const Key32& seed) : seed_(seed) {
    initSodium();
}

std::uint64_t SeededWords::next() {
    if (used_ == 8) {
        static constexpr unsigned char kNonce[crypto_stream_chacha20_NONCEBYTES] = {1};
        std::memset(block_, 0, sizeof block_);
        crypto_stream_chacha20_xor_ic(reinterpret_cast<unsigned char*>(block_),
                                      reinterpret_cast<const unsigned char*>(block_), sizeof block_,
                                      kNonce, counter_++, seed_.data());
        used_ = 0;
    }
    return block_[used_++];
}

// ---- a party

Party::Party(const Config& config, const Neighbourhood& graph, std::uint32_t party,
             RandomWords& random)
    : config_(config), graph_(&graph), id_(party) {
    Key32 c;
    const Secret cs = makeSecret(random);
    c = secretBytes(cs);
    cipher_ = keyPairFrom(c);
    maskSecret_ = makeSecret(random);
    mask_ = keyPairFrom(secretBytes(maskSecret_));
    work_.keyPairs += 2;
}

Advertisement Party::advertise() const {
    Advertisement a;
    a.party = id_;
    a.cipherPublic = cipher_.pub;
    a.maskPublic = mask_.pub;
    return a;
}

core::Result<std::vector<SealedShares>> Party::shareKeys(std::span<const Advertisement> neighbours,
                                                         RandomWords& random) {
    if (!peers_.empty()) return core::Error{partyName(id_) + " has shared its keys already"};
    std::vector<std::uint32_t> holders{id_};
    peers_.reserve(neighbours.size());
    for (const Advertisement& a : neighbours) {
        if (!graph_->adjacent(id_, a.party))
            return core::Error{partyName(a.party) + " is not a neighbour of " + partyName(id_)};
        Peer p;
        p.keys = a;
        peers_.push_back(std::move(p));
        holders.push_back(a.party);
    }
    std::sort(peers_.begin(), peers_.end(),
              [](const Peer& a, const Peer& b) { return a.keys.party < b.keys.party; });
    for (std::size_t i = 0; i < peers_.size(); ++i) {
        if (i > 0 && peers_[i].keys.party == peers_[i - 1].keys.party)
            return core::Error{partyName(peers_[i].keys.party) + " advertised twice"};
        const Advertisement& a = peers_[i].keys;
        if (a.cipherPublic == cipher_.pub || a.maskPublic == mask_.pub ||
            a.cipherPublic == a.maskPublic)
            return core::Error{partyName(a.party) + " advertised a repeated public key"};
    }
    if (holders.size() < config_.shareThreshold) {
        peers_.clear();
        return core::Error{std::to_string(holders.size()) + " parties to share with (" +
                           partyName(id_) + " and its neighbours), fewer than the threshold"};
    }
    selfSeed_ = makeSecret(random);
    std::sort(holders.begin(), holders.end());
    const std::vector<Share> keyShares =
        split(maskSecret_, holders, config_.shareThreshold, random);
    const std::vector<Share> seedShares = split(selfSeed_, holders, config_.shareThreshold, random);
    work_.shareTerms += 2 * 4 * holders.size() * config_.shareThreshold;

    std::vector<SealedShares> out;
    out.reserve(peers_.size());
    std::uint8_t plain[SealedShares::kPlainBytes];
    for (std::size_t h = 0; h < holders.size(); ++h) {
        const std::uint32_t to = holders[h];
        if (to == id_) {
            ownSelfSeedShare_ = seedShares[h];
            continue;
        }
        Peer& peer = *std::lower_bound(
            peers_.begin(), peers_.end(), to,
            [](const Peer& p, std::uint32_t party) { return p.keys.party < party; });
        auto key =
            agree(cipher_.secret, cipher_.pub, peer.keys.cipherPublic, KeyPurpose::ShareCipher);
        if (!key) return core::Error{partyName(to) + ": " + key.error().message};
        peer.cipherKey = key.value();
        ++work_.agreements;
        putU32(plain, id_);
        putU32(plain + 4, to);
        putSecret(plain + 8, keyShares[h].value);
        putSecret(plain + 8 + Share::kWireBytes, seedShares[h].value);
        SealedShares s;
        s.from = id_;
        s.to = to;
        s.box = seal(peer.cipherKey, config_.sessionTag, id_, to, plain);
        ++work_.sealed;
        out.push_back(std::move(s));
    }
    sodium_memzero(plain, sizeof plain);
    return out;
}

core::Result<MaskedInput> Party::maskInput(std::span<const std::uint64_t> input,
                                           std::vector<SealedShares> received) {
    if (masked_) return core::Error{partyName(id_) + " has sent its masked input already"};
    if (input.size() != config_.length)
        return core::Error{"an input of " + std::to_string(input.size()) + " values, expected " +
                           std::to_string(config_.length)};
    for (const SealedShares& s : received) {
        auto peer = std::lower_bound(
            peers_.begin(), peers_.end(), s.from,
            [](const Peer& p, std::uint32_t party) { return p.keys.party < party; });
        if (s.to != id_ || peer == peers_.end() || peer->keys.party != s.from)
            return core::Error{"sealed shares from " + partyName(s.from) + " to " +
                               partyName(s.to) + " reached " + partyName(id_)};
        if (peer->shared) return core::Error{partyName(s.from) + " sent its shares twice"};
        auto plain = open(peer->cipherKey, config_.sessionTag, s.from, id_, s.box);
        ++work_.sealed;
        if (!plain)
            return core::Error{"shares from " + partyName(s.from) + ": " + plain.error().message};
        const std::vector<std::uint8_t>& p = plain.value();
        if (p.size() != SealedShares::kPlainBytes || getU32(p.data()) != s.from ||
            getU32(p.data() + 4) != id_)
            return core::Error{"shares from " + partyName(s.from) + " are malformed"};
        peer->shared = true;
        peer->maskKeyShare.holder = id_;
        peer->maskKeyShare.value = getSecret(p.data() + 8);
        peer->selfSeedShare.holder = id_;
        peer->selfSeedShare.value = getSecret(p.data() + 8 + Share::kWireBytes);
        sodium_memzero(plain.value().data(), plain.value().size());
    }
    const auto sharedPeers = static_cast<std::size_t>(
        std::count_if(peers_.begin(), peers_.end(), [](const Peer& p) { return p.shared; }));
    if (sharedPeers + 1 < config_.shareThreshold)
        return core::Error{std::to_string(sharedPeers + 1) + " parties shared keys with " +
                           partyName(id_) + ", fewer than the threshold"};
    MaskedInput m;
    m.party = id_;
    m.words.assign(input.begin(), input.end());
    applyMask(secretBytes(selfSeed_), 1, m.words);
    work_.maskWords += m.words.size();
    for (const Peer& p : peers_) {
        if (!p.shared) continue;
        auto seed = agree(mask_.secret, mask_.pub, p.keys.maskPublic, KeyPurpose::PairwiseMask);
        if (!seed) return core::Error{partyName(p.keys.party) + ": " + seed.error().message};
        ++work_.agreements;
        applyMask(seed.value(), pairSign(id_, p.keys.party), m.words);
        work_.maskWords += m.words.size();
    }
    const std::uint64_t mask = config_.ring.mask();
    for (std::uint64_t& w : m.words)
        w &= mask;
    masked_ = true;
    return m;
}

core::Result<UnmaskResponse> Party::unmask(std::span<const std::uint32_t> survivors,
                                           std::size_t survivorCount) {
    if (!masked_) return core::Error{partyName(id_) + " was asked to unmask before it masked"};
    if (survivorCount < config_.threshold || survivors.size() > survivorCount)
        return core::Error{std::to_string(survivorCount) + " survivors, fewer than the threshold " +
                           std::to_string(config_.threshold) + ": " + partyName(id_) +
                           " reveals nothing"};
    if (!std::is_sorted(survivors.begin(), survivors.end()) ||
        std::adjacent_find(survivors.begin(), survivors.end()) != survivors.end())
        return core::Error{"the survivors must be listed once each, ascending"};
    if (!std::binary_search(survivors.begin(), survivors.end(), id_))
        return core::Error{partyName(id_) + " is not among the survivors it was sent"};
    UnmaskResponse r;
    r.party = id_;
    r.shares.reserve(peers_.size() + 1);
    r.shares.push_back({id_, true, ownSelfSeedShare_});
    for (const Peer& p : peers_) {
        if (!p.shared) {
            // It never shared: it cannot have masked with this party, so it cannot survive.
            if (std::binary_search(survivors.begin(), survivors.end(), p.keys.party))
                return core::Error{partyName(p.keys.party) +
                                   " is named a survivor but never shared keys with " +
                                   partyName(id_)};
            continue;
        }
        const bool survived = std::binary_search(survivors.begin(), survivors.end(), p.keys.party);
        r.shares.push_back({p.keys.party, survived, survived ? p.selfSeedShare : p.maskKeyShare});
    }
    return r;
}

// ---- the server

Server::Server(const Config& config, const Neighbourhood& graph)
    : config_(config),
      graph_(&graph),
      flags_(graph.parties(), 0),
      keys_(graph.parties()),
      inbox_(graph.parties()),
      revealed_(graph.parties()) {}

std::size_t Server::count(std::uint8_t f) const {
    return static_cast<std::size_t>(
        std::count_if(flags_.begin(), flags_.end(), [f](std::uint8_t x) { return (x & f) != 0; }));
}

core::Result<void> Server::receive(const Advertisement& a) {
    if (a.party >= flags_.size()) return core::Error{"keys from an unknown " + partyName(a.party)};
    if (has(a.party, kAdvertised)) return core::Error{partyName(a.party) + " advertised twice"};
    flags_[a.party] |= kAdvertised;
    keys_[a.party] = a;
    return {};
}

std::vector<Advertisement> Server::keysFor(std::uint32_t party) const {
    std::vector<Advertisement> out;
    for (const std::uint32_t v : graph_->of(party))
        if (has(v, kAdvertised)) out.push_back(keys_[v]);
    return out;
}

core::Result<void> Server::receive(std::uint32_t from, std::vector<SealedShares> shares) {
    if (!has(from, kAdvertised))
        return core::Error{"shares from " + partyName(from) + ", which never advertised keys"};
    if (has(from, kShared)) return core::Error{partyName(from) + " shared keys twice"};
    for (const SealedShares& s : shares)
        if (s.from != from || !graph_->adjacent(from, s.to) || !has(s.to, kAdvertised))
            return core::Error{partyName(from) + " sent shares to " + partyName(s.to) +
                               ", which is not an advertised neighbour"};
    flags_[from] |= kShared;
    for (SealedShares& s : shares)
        inbox_[s.to].push_back(std::move(s));
    return {};
}

std::vector<SealedShares> Server::sharesFor(std::uint32_t party) {
    std::vector<SealedShares> out;
    if (party < inbox_.size()) out.swap(inbox_[party]);
    return out;
}

core::Result<void> Server::receive(const MaskedInput& m) {
    if (!has(m.party, kShared))
        return core::Error{"a masked input from " + partyName(m.party) +
                           ", which never shared keys"};
    if (has(m.party, kMasked)) return core::Error{partyName(m.party) + " sent two masked inputs"};
    if (unmasking_)
        return core::Error{"a masked input from " + partyName(m.party) +
                           " after the survivors were named"};
    if (m.words.size() != config_.length)
        return core::Error{"a masked input of " + std::to_string(m.words.size()) + " values from " +
                           partyName(m.party) + ", expected " + std::to_string(config_.length)};
    if (sum_.empty()) sum_.assign(config_.length, 0);
    for (std::size_t i = 0; i < sum_.size(); ++i)
        sum_[i] += m.words[i];
    work_.inputWords += sum_.size();
    flags_[m.party] |= kMasked;
    return {};
}

std::vector<std::uint32_t> Server::survivors() const {
    std::vector<std::uint32_t> out;
    for (std::uint32_t p = 0; p < flags_.size(); ++p)
        if (has(p, kMasked)) out.push_back(p);
    return out;
}

std::vector<std::uint32_t> Server::survivorsFor(std::uint32_t party) const {
    if (graph_->isComplete()) return survivors();
    std::vector<std::uint32_t> out;
    const std::vector<std::uint32_t> around = graph_->of(party);
    auto it = around.begin();
    for (; it != around.end() && *it < party; ++it)
        if (has(*it, kMasked)) out.push_back(*it);
    if (has(party, kMasked)) out.push_back(party);
    for (; it != around.end(); ++it)
        if (has(*it, kMasked)) out.push_back(*it);
    return out;
}

core::Result<void> Server::receive(const UnmaskResponse& r) {
    if (!has(r.party, kMasked))
        return core::Error{"shares revealed by " + partyName(r.party) + ", not a survivor"};
    if (has(r.party, kResponded)) return core::Error{partyName(r.party) + " revealed twice"};
    if (!unmasking_) {
        unmasking_ = true;
        survivors_ = survivors();
    }
    for (const RevealedShare& s : r.shares) {
        const bool ownSeed = s.of == r.party && s.selfSeed;
        if (s.of >= flags_.size() || (!ownSeed && !graph_->adjacent(r.party, s.of)) ||
            s.share.holder != r.party)
            return core::Error{partyName(r.party) + " revealed a share it cannot hold"};
        // Only the share the survivors' list asks for: a self seed of a survivor, the mask key
        // of a party that shared keys and then dropped.
        const bool survivor = has(s.of, kMasked);
        if (s.selfSeed != survivor || !has(s.of, kShared))
            return core::Error{partyName(r.party) + " revealed the wrong secret of " +
                               partyName(s.of)};
    }
    flags_[r.party] |= kResponded;
    for (const RevealedShare& s : r.shares)
        revealed_[s.of].push_back(s);
    return {};
}

core::Result<std::vector<std::uint64_t>> Server::finish() {
    if (finished_) return core::Error{"the session has finished already"};
    finished_ = true;
    if (!unmasking_) survivors_ = survivors();
    if (survivors_.size() < config_.threshold)
        return core::Error{std::to_string(survivors_.size()) + " masked inputs, threshold " +
                           std::to_string(config_.threshold)};
    std::vector<std::uint64_t> sum = std::move(sum_);
    sum.resize(config_.length, 0);
    std::vector<Share> shares;
    std::vector<std::uint32_t> holders, cachedHolders;
    std::vector<std::uint64_t> lambda;
    auto recover = [&](std::uint32_t party) -> core::Result<Secret> {
        const std::vector<RevealedShare>& got = revealed_[party];
        if (got.size() < config_.shareThreshold)
            return core::Error{std::to_string(got.size()) + " shares of " + partyName(party) +
                               "'s secret, " + std::to_string(config_.shareThreshold) + " needed"};
        shares.clear();
        holders.clear();
        for (std::size_t i = 0; i < config_.shareThreshold; ++i) {
            shares.push_back(got[i].share);
            holders.push_back(got[i].share.holder);
        }
        if (holders != cachedHolders) {  // on a complete graph most sets repeat
            lambda = lagrangeAtZero(holders);
            cachedHolders = holders;
            work_.interpolation += holders.size() * holders.size();
        }
        work_.interpolation += 4 * holders.size();
        return reconstruct(shares, lambda);
    };
    for (const std::uint32_t u : survivors_) {
        auto seed = recover(u);
        if (!seed) return core::Error{"cannot remove a self mask: " + seed.error().message};
        applyMask(secretBytes(seed.value()), -1, sum);
        work_.maskWords += sum.size();
    }
    for (std::uint32_t w = 0; w < flags_.size(); ++w) {
        if (!has(w, kShared) || has(w, kMasked)) continue;  // only the dropped of U2
        auto secret = recover(w);
        if (!secret)
            return core::Error{"cannot remove a dropped party's masks: " + secret.error().message};
        const KeyPair k = keyPairFrom(secretBytes(secret.value()));
        ++work_.keyPairs;
        if (k.pub != keys_[w].maskPublic)
            return core::Error{"the shares of " + partyName(w) +
                               "'s mask key do not give the key it advertised"};
        for (const std::uint32_t v : graph_->of(w)) {
            if (!has(v, kMasked)) continue;
            auto seed = agree(k.secret, k.pub, keys_[v].maskPublic, KeyPurpose::PairwiseMask);
            if (!seed) return core::Error{partyName(v) + ": " + seed.error().message};
            ++work_.agreements;
            applyMask(seed.value(), -pairSign(v, w), sum);
            work_.maskWords += sum.size();
        }
    }
    const std::uint64_t mask = config_.ring.mask();
    for (std::uint64_t& x : sum)
        x &= mask;
    return sum;
}

}  // namespace dais::crypto::secagg
