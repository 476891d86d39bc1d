// The four rounds in one process, timed.
#include "dais/crypto/secagg/local_session.h"

#include <chrono>
#include <memory>

#include "dais/crypto/secagg/neighbourhood.h"
#include "dais/crypto/secagg/protocol.h"

namespace dais::crypto::secagg {

namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point t0) {
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

Key32 seedFor(std::uint64_t seed, std::uint64_t who) {
    Key32 k{};
    for (int b = 0; b < 8; ++b) {
        k[static_cast<std::size_t>(b)] = static_cast<std::uint8_t>(seed >> (8 * b));
        k[static_cast<std::size_t>(8 + b)] = static_cast<std::uint8_t>(who >> (8 * b));
    }
    return k;
}

}  // namespace

LocalSessionResult runLocalSession(const LocalSession& s) {
    const std::size_t n = s.parties;
    auto dropsAt = [&](std::uint32_t p, DropAt at) {
        return p < s.drops.size() && s.drops[p] == at;
    };
    SeededWords graphWords(seedFor(s.seed, ~0ull));
    const Neighbourhood g = s.neighbours == 0 ? Neighbourhood::complete(n)
                                              : Neighbourhood::harary(n, s.neighbours, graphWords);
    Config c;
    c.sessionTag = s.seed;
    c.length = s.length;
    c.ring = s.ring;
    c.threshold = s.threshold;
    c.shareThreshold = g.isComplete() ? s.threshold : shareThresholdFor(s.threshold, n, g.degree());
    LocalSessionResult out;
    std::vector<SeededWords> random;
    random.reserve(n);
    for (std::size_t p = 0; p < n; ++p)
        random.emplace_back(seedFor(s.seed, p));
    std::vector<std::unique_ptr<Party>> parties(n);
    Server server(c, g);
    const bool watching = s.watch < n;

    auto t0 = Clock::now();
    for (std::uint32_t p = 0; p < n; ++p) {
        if (dropsAt(p, DropAt::Advertise)) continue;
        parties[p] = std::make_unique<Party>(c, g, p, random[p]);
        (void)server.receive(parties[p]->advertise());
        if (watching && p == s.watch) out.watchedSent += Advertisement::kWireBytes;
    }
    out.keySeconds = since(t0);

    t0 = Clock::now();
    for (std::uint32_t p = 0; p < n; ++p) {
        if (!parties[p] || dropsAt(p, DropAt::Share)) continue;
        const std::vector<Advertisement> keys = server.keysFor(p);
        auto shares = parties[p]->shareKeys(keys, random[p]);
        if (!shares) continue;  // too few neighbours: it leaves
        if (watching && p == s.watch) {
            out.watchedReceived += keys.size() * Advertisement::kWireBytes;
            out.watchedSent += shares.value().size() * SealedShares::kWireBytes;
        }
        (void)server.receive(p, std::move(shares.value()));
    }
    out.shareSeconds = since(t0);

    std::vector<std::uint64_t> input(s.length);
    for (std::uint32_t p = 0; p < n; ++p) {
        if (!parties[p] || !server.sharedBy(p)) continue;
        std::vector<SealedShares> inbox = server.sharesFor(p);
        if (dropsAt(p, DropAt::Mask)) continue;
        if (watching && p == s.watch)
            out.watchedReceived += inbox.size() * SealedShares::kWireBytes;
        s.input(p, input);
        t0 = Clock::now();
        auto masked = parties[p]->maskInput(input, std::move(inbox));
        out.maskSeconds += since(t0);
        if (!masked) continue;
        ++out.maskingParties;
        if (watching && p == s.watch) {
            out.watchedSent += masked.value().wireBytes(c.ring);
            out.watchedMasked = masked.value().words;
        }
        t0 = Clock::now();
        (void)server.receive(masked.value());
        out.serverSeconds += since(t0);
    }
    out.survivors = server.survivors();

    for (const std::uint32_t p : out.survivors) {
        if (dropsAt(p, DropAt::Unmask)) continue;
        SurvivorList list;
        list.parties = server.survivorsFor(p);
        list.total = static_cast<std::uint32_t>(out.survivors.size());
        t0 = Clock::now();
        auto r = parties[p]->unmask(list.parties, list.total);
        out.unmaskSeconds += since(t0);
        if (!r) {
            out.reason = r.error().message;
            continue;
        }
        if (watching && p == s.watch) {
            out.watchedReceived += list.wireBytes();
            out.watchedSent += r.value().wireBytes();
        }
        (void)server.receive(r.value());
    }
    t0 = Clock::now();
    auto sum = server.finish();
    out.serverSeconds += since(t0);
    out.revealed = sum.ok();
    if (!sum) {
        if (out.reason.empty()) out.reason = sum.error().message;
        return out;
    }
    out.sum = std::move(sum.value());
    return out;
}

}  // namespace dais::crypto::secagg
