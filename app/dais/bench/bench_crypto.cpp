// dais bench crypto: what real cryptography costs. Secure aggregation (SecAgg) of 100 clients'
// 100,000-parameter vectors: a client's masking against generating the same mask bytes alone
// (the PRG it uses), and the server's unmasking with no dropouts and with 30% of the clients
// dropping after the key exchange; SecAgg+ of 1,000 clients for wall time and memory; Ed25519
// signatures and Merkle inclusion proofs per second. Every measurement is a fresh child process
// (this program re-executed in a hidden --child mode), so its peak memory is its own.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench.h"
#include "cli.h"
#include "dais/crypto/hashes.h"
#include "dais/crypto/merkle_tree.h"
#include "dais/crypto/secagg/keys.h"
#include "dais/crypto/secagg/local_session.h"
#include "dais/crypto/secagg/neighbourhood.h"
#include "dais/crypto/signatures.h"
#include "dais/sim/memory_need.h"
#include "measurement.h"

namespace dais::app {
namespace {

namespace secagg = crypto::secagg;

constexpr const char* kHelp = R"(usage: dais bench crypto [options]

(1) SecAgg (Bonawitz et al. 2017, every client paired with every other) of --clients
    clients, each with a vector of --parameters values (40-bit fixed point), threshold half
    the clients: a client's masking time (its pairwise masks and self mask, ChaCha20 from
    libsodium, added to the vector) against generating the same mask bytes alone (bar:
    within 1.5x), and the server's unmasking time with no dropouts and with 30% of the
    clients dropping out after the key exchange (their masks rebuilt from Shamir shares).
    Each session's sum is checked against the plain sum of the inputs.
(2) SecAgg+ (Bell et al. 2020, a random Harary graph of --neighbours per client; 0 picks
    the layer's choice, the smallest even k of at least 3 log2 n) of --plus-clients clients
    of --parameters values, end to end in one process: wall time (bar: 60 s) and peak
    memory (bar: 2 GiB).
(3) Ed25519 signatures of 100-byte messages, made and verified per second; a Merkle tree
    (RFC 6962, SHA-256) of 1,000,000 leaves: build time and inclusion proofs verified per
    second.
Each figure is the median of --repeats fresh processes.

options:
  --clients N        SecAgg clients (default 100)
  --parameters N     values per vector (default 100000)
  --plus-clients N   SecAgg+ clients (default 1000)
  --neighbours N     SecAgg+ neighbours per client (default 0: the layer's choice)
  --repeats N        measurements of each (default 3)
  --json             print the figures as JSON
)";

using Clock = std::chrono::steady_clock;

double since(Clock::time_point t0) {
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

/// A session of n clients of m values; k = 0 for SecAgg. Prints: wall seconds, masking seconds
/// per client, the server's seconds, the PRG's seconds for one client's mask bytes, and 1 when
/// the sum was right.
int childSession(std::size_t n, std::size_t m, std::size_t k, double dropFraction) {
    secagg::LocalSession s;
    s.parties = n;
    s.length = m;
    s.threshold = n / 2;
    s.neighbours = k;
    s.ring = secagg::Ring::forParties(40, n, 1 << 20);
    s.seed = 7;
    s.drops.assign(n, secagg::DropAt::Never);
    const auto dropped = static_cast<std::size_t>(std::lround(dropFraction * n));
    for (std::size_t i = 0; i < dropped; ++i)  // spread over the clients
        s.drops[(i * n) / std::max<std::size_t>(1, dropped)] = secagg::DropAt::Mask;
    // Inputs: a cheap pattern, so the sum can be checked without keeping them.
    auto value = [](std::uint32_t p, std::size_t j) {
        return static_cast<std::uint64_t>((p * 2654435761u + j * 40503u) % 1000003u);
    };
    s.input = [&](std::uint32_t p, std::span<std::uint64_t> out) {
        for (std::size_t j = 0; j < out.size(); ++j)
            out[j] = value(p, j);
    };
    const auto t0 = Clock::now();
    const secagg::LocalSessionResult r = secagg::runLocalSession(s);
    const double wall = since(t0);
    bool right = r.revealed;
    if (right) {
        for (std::size_t j = 0; j < m && right; ++j) {
            std::uint64_t expected = 0;
            for (const std::uint32_t p : r.survivors)
                expected += value(p, j);
            right = (expected & s.ring.mask()) == r.sum[j];
        }
    }
    // The same mask bytes as a client that masked with every neighbour: degree + 1 masks.
    const std::size_t degree = k == 0 ? n - 1 : std::min(k - k % 2, n - 1);
    std::vector<std::uint64_t> words(m);
    secagg::Key32 seed{};
    const auto g0 = Clock::now();
    for (std::size_t i = 0; i <= degree; ++i) {
        seed[0] = static_cast<std::uint8_t>(i);
        seed[1] = static_cast<std::uint8_t>(i >> 8);
        secagg::generateMask(seed, words);
    }
    const double prg = since(g0);
    const double perClient =
        r.maskingParties == 0 ? 0 : r.maskSeconds / static_cast<double>(r.maskingParties);
    std::printf("%.9f %.9f %.9f %.9f %d %zu\n", wall, perClient, r.serverSeconds, prg,
                right ? 1 : 0, r.survivors.size());
    return kExitOk;
}

/// Signs and verifies `count` 100-byte messages; prints signs/s and verifies/s.
int childSignatures(std::size_t count) {
    const crypto::Ed25519KeyPair key = crypto::Ed25519KeyPair::forNode(1, 2);
    std::vector<std::byte> message(100, std::byte{7});
    std::vector<crypto::Ed25519Signature> signatures(count);
    auto t0 = Clock::now();
    for (std::size_t i = 0; i < count; ++i) {
        message[0] = static_cast<std::byte>(i);
        signatures[i] = key.sign(message);
    }
    const double sign = since(t0);
    std::size_t good = 0;
    t0 = Clock::now();
    for (std::size_t i = 0; i < count; ++i) {
        message[0] = static_cast<std::byte>(i);
        good += crypto::verifySignature(key.publicKey(), message, signatures[i]) ? 1 : 0;
    }
    const double verify = since(t0);
    std::printf("%.3f %.3f %d\n", static_cast<double>(count) / sign,
                static_cast<double>(count) / verify, good == count ? 1 : 0);
    return kExitOk;
}

/// A Merkle tree of `leaves` leaf hashes: prints build seconds and proofs verified per second.
int childMerkle(std::size_t leaves) {
    std::vector<core::Digest> hashes(leaves);
    for (std::size_t i = 0; i < leaves; ++i) {
        std::uint64_t v = i;
        hashes[i] = crypto::merkleLeafHash(crypto::HashAlgorithm::Sha256,
                                           std::as_bytes(std::span<const std::uint64_t>(&v, 1)));
    }
    auto t0 = Clock::now();
    const crypto::MerkleTree tree = crypto::MerkleTree::fromLeafHashes(hashes);
    const double build = since(t0);
    const std::size_t proofs = 200'000;
    std::size_t good = 0;
    t0 = Clock::now();
    for (std::size_t i = 0; i < proofs; ++i) {
        const std::uint64_t index = (i * 7919) % leaves;
        auto proof = tree.proof(index);
        good += proof && crypto::verifyInclusion(crypto::HashAlgorithm::Sha256, hashes[index],
                                                 proof.value(), tree.root())
                    ? 1
                    : 0;
    }
    const double verify = since(t0);
    std::printf("%.9f %.3f %d\n", build, static_cast<double>(proofs) / verify,
                good == proofs ? 1 : 0);
    return kExitOk;
}

int runChild(const std::vector<std::string>& args) {
    auto number = [&](std::size_t i) { return std::stoull(args.at(i)); };
    try {
        if (args.size() == 6 && args[1] == "session")
            return childSession(number(2), number(3), number(4), std::stod(args[5]));
        if (args.size() == 3 && args[1] == "signatures") return childSignatures(number(2));
        if (args.size() == 3 && args[1] == "merkle") return childMerkle(number(2));
    } catch (const std::exception&) {
    }
    printError("bench crypto: malformed --child arguments");
    return kExitFailure;
}

// --- parent ----------------------------------------------------------------------------------

/// The medians of `repeats` measurements of a child that prints numbers; the last is its peak
/// memory.
core::Result<std::vector<double>> medianOf(std::uint64_t repeats,
                                           const std::vector<std::string>& childArgs,
                                           std::size_t figures) {
    std::vector<std::string> args = {"--child"};
    args.insert(args.end(), childArgs.begin(), childArgs.end());
    std::vector<std::vector<double>> all(figures + 1);
    for (std::uint64_t i = 0; i < repeats; ++i) {
        auto m = runMeasurement("crypto", args, runChild);
        if (!m) return m.error();
        std::istringstream in(m->out);
        for (std::size_t f = 0; f < figures; ++f)
            if (!(in >> all[f].emplace_back()))
                return core::Error{"bench crypto: a measurement printed no figures"};
        all[figures].push_back(m->peakRssBytes);
    }
    std::vector<double> out;
    for (auto& v : all)
        out.push_back(median(v));
    return out;
}

std::string ms(double s) {
    char b[32];
    std::snprintf(b, sizeof b, "%.1f ms", s * 1e3);
    return b;
}

}  // namespace

int benchCrypto(const std::vector<std::string>& words) {
    if (!words.empty() && words[0] == "--child") return runChild(words);
    Args args(words);
    std::uint64_t clients = 100, parameters = 100'000, plusClients = 1000, neighbours = 0,
                  repeats = 3;
    bool json = false;
    while (!args.done()) {
        auto number = [&](const char* name, std::uint64_t& into, std::uint64_t lo,
                          std::uint64_t hi) { return takeWholeNumber(args, name, into, lo, hi); };
        if (args.flag("help")) return std::fputs(kHelp, stdout), kExitOk;
        int r;
        if ((r = number("clients", clients, 4, 100'000)) ||
            (r = number("parameters", parameters, 1, 100'000'000)) ||
            (r = number("plus-clients", plusClients, 4, 1'000'000)) ||
            (r = number("neighbours", neighbours, 0, 1'000'000)) ||
            (r = number("repeats", repeats, 1, 100))) {
            if (r == 2) return kExitUsage;
        } else if (args.flag("json")) {
            json = true;
        } else {
            printError("bench crypto: unknown option " + args.peek() +
                       " (see dais bench crypto --help)");
            return kExitUsage;
        }
    }
    auto fail = [](const core::Error& e) {
        printError(e.message);
        return kExitFailure;
    };
    const std::string n = std::to_string(clients), m = std::to_string(parameters);
    auto none = medianOf(repeats, {"session", n, m, "0", "0"}, 6);
    if (!none) return fail(none.error());
    auto third = medianOf(repeats, {"session", n, m, "0", "0.3"}, 6);
    if (!third) return fail(third.error());
    const std::uint64_t k = neighbours == 0 ? secagg::defaultNeighbours(plusClients) : neighbours;
    auto plus =
        medianOf(repeats, {"session", std::to_string(plusClients), m, std::to_string(k), "0"}, 6);
    if (!plus) return fail(plus.error());
    auto sig = medianOf(repeats, {"signatures", "20000"}, 3);
    if (!sig) return fail(sig.error());
    auto merkle = medianOf(repeats, {"merkle", "1000000"}, 3);
    if (!merkle) return fail(merkle.error());
    const auto& a = *none;
    const auto& b = *third;
    const auto& p = *plus;
    const bool right = a[4] == 1 && b[4] == 1 && p[4] == 1 && (*sig)[2] == 1 && (*merkle)[2] == 1;
    if (!right) return fail(core::Error{"bench crypto: a session's sum or a proof came out wrong"});
    const double ratio = a[1] / a[3];
    if (json) {
        nlohmann::json out = {
            {"secagg",
             {{"clients", clients},
              {"parameters", parameters},
              {"masking_seconds_per_client", a[1]},
              {"prg_seconds_same_bytes", a[3]},
              {"masking_over_prg", ratio},
              {"server_seconds_no_dropouts", a[2]},
              {"server_seconds_30_percent_dropouts", b[2]},
              {"survivors_30_percent_dropouts", b[5]}}},
            {"secagg_plus",
             {{"clients", plusClients},
              {"parameters", parameters},
              {"neighbours", k},
              {"wall_seconds", p[0]},
              {"peak_rss_bytes", p[6]},
              {"masking_seconds_per_client", p[1]},
              {"server_seconds", p[2]}}},
            {"ed25519", {{"signs_per_second", (*sig)[0]}, {"verifies_per_second", (*sig)[1]}}},
            {"merkle",
             {{"leaves", 1000000},
              {"build_seconds", (*merkle)[0]},
              {"proofs_verified_per_second", (*merkle)[1]}}}};
        std::printf("%s\n", out.dump(2).c_str());
        return kExitOk;
    }
    std::printf(
        "Cryptography, median of %llu fresh processes each; every sum and proof checked\n\n",
        static_cast<unsigned long long>(repeats));
    std::printf("SecAgg: %s clients x %s parameters (40-bit values), threshold half\n",
                sim::countText(static_cast<double>(clients)).c_str(),
                sim::countText(static_cast<double>(parameters)).c_str());
    std::printf(
        "  masking per client    %s; the same mask bytes from ChaCha20 alone %s: %.2fx "
        "(bar: 1.5x)\n",
        ms(a[1]).c_str(), ms(a[3]).c_str(), ratio);
    std::printf("  server, no dropouts   %s\n", ms(a[2]).c_str());
    std::printf(
        "  server, 30%% dropouts  %s (%.0f survivors; the dropped clients' masks rebuilt "
        "from shares)\n\n",
        ms(b[2]).c_str(), b[5]);
    std::printf("SecAgg+: %s clients x %s parameters, %llu neighbours each\n",
                sim::countText(static_cast<double>(plusClients)).c_str(),
                sim::countText(static_cast<double>(parameters)).c_str(),
                static_cast<unsigned long long>(k));
    std::printf("  wall time %.1f s (bar: 60 s), peak memory %s (bar: 2 GiB)\n", p[0],
                sim::memoryText(p[6]).c_str());
    std::printf("  masking per client %s, server %s\n\n", ms(p[1]).c_str(), ms(p[2]).c_str());
    std::printf("Ed25519, 100-byte messages: %s signatures made/s, %s verified/s\n",
                siNumber((*sig)[0]).c_str(), siNumber((*sig)[1]).c_str());
    std::printf(
        "Merkle tree (RFC 6962, SHA-256), 1,000,000 leaves: built in %.2f s; %s inclusion "
        "proofs verified/s\n",
        (*merkle)[0], siNumber((*merkle)[1]).c_str());
    return kExitOk;
}

}  // namespace dais::app
