// The trace of anomaly_trace.h: anomalous rounds, then per contributor the evidence of its
// updates' sizes or of its presence in rounds that lost accuracy.
#include "dais/core/anomaly_trace.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iterator>
#include <limits>
#include <map>
#include <set>

namespace dais::core {

namespace {

constexpr std::size_t kNone = static_cast<std::size_t>(-1);

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n % 2 == 1 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

std::string fixed(double v, int digits) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", digits, v);
    return buf;
}

/// Modified z-scores of the finite values in `norms` (NaN where a value is unknown).
std::vector<double> modifiedZ(const std::vector<double>& norms) {
    std::vector<double> known;
    for (double x : norms)
        if (std::isfinite(x)) known.push_back(x);
    std::vector<double> z(norms.size(), std::numeric_limits<double>::quiet_NaN());
    if (known.size() < 3) return z;
    const double m = median(known);
    std::vector<double> dev;
    for (double x : known)
        dev.push_back(std::abs(x - m));
    const double mad = median(dev);
    for (std::size_t i = 0; i < norms.size(); ++i) {
        if (!std::isfinite(norms[i])) continue;
        if (mad > 0)
            z[i] = 0.6745 * (norms[i] - m) / mad;
        else  // most updates are equally long: any longer one stands out without measure
            z[i] = norms[i] > m ? std::numeric_limits<double>::infinity() : 0;
    }
    return z;
}

struct Moments {
    double n = 0, mean = 0, m2 = 0;
    void add(double x) {
        ++n;
        const double d = x - mean;
        mean += d / n;
        m2 += d * (x - mean);
    }
    double variance() const { return n > 1 ? m2 / (n - 1) : 0; }
};

}  // namespace

TraceResult traceAnomaly(const std::vector<RoundAudit>& input, const TraceOptions& options) {
    TraceResult out;
    std::map<std::uint64_t, const RoundAudit*> byRound;
    for (const RoundAudit& r : input)
        byRound[r.round] = &r;
    if (byRound.empty()) {
        out.notes.push_back("no round is recorded");
        return out;
    }

    // The anomalies: named, or found as a loss against the round before.
    std::vector<const RoundAudit*> rounds;
    for (const auto& [n, r] : byRound)
        rounds.push_back(r);
    std::map<std::uint64_t, double> change;  // accuracy change against the round before
    for (std::size_t i = 1; i < rounds.size(); ++i)
        if (std::isfinite(rounds[i]->accuracy) && std::isfinite(rounds[i - 1]->accuracy))
            change[rounds[i]->round] = rounds[i]->accuracy - rounds[i - 1]->accuracy;
    auto before = [&](std::uint64_t round) {
        auto it = byRound.find(round);
        return it == byRound.begin() ? std::numeric_limits<double>::quiet_NaN()
                                     : std::prev(it)->second->accuracy;
    };
    if (!options.rounds.empty()) {
        for (std::uint64_t n : options.rounds) {
            const auto it = byRound.find(n);
            if (it == byRound.end()) {
                out.notes.push_back("round " + std::to_string(n) + " is not recorded");
                continue;
            }
            out.anomalies.push_back({n, before(n), it->second->accuracy, true, 0});
        }
    } else {
        // A decline: the rounds after a peak that stay below it, once one of them is more than
        // `drop` below it (a slow slide counts as much as a sudden fall).
        std::size_t peak = kNone;
        std::vector<std::size_t> run;
        bool deep = false;
        auto close = [&] {
            if (deep)
                for (std::size_t i : run)
                    out.anomalies.push_back({rounds[i]->round, rounds[peak]->accuracy,
                                             rounds[i]->accuracy, false, rounds[peak]->round});
            run.clear();
            deep = false;
        };
        for (std::size_t i = 0; i < rounds.size(); ++i) {
            const double a = rounds[i]->accuracy;
            if (!std::isfinite(a)) continue;
            if (peak == kNone || a >= rounds[peak]->accuracy) {
                close();
                peak = i;
                continue;
            }
            run.push_back(i);
            deep = deep || a < rounds[peak]->accuracy - options.drop;
        }
        close();
        if (out.anomalies.empty())
            out.notes.push_back("accuracy never fell more than " + fixed(100 * options.drop, 1) +
                                " points below the best of the rounds before");
    }
    if (out.anomalies.empty()) return out;

    // Per contributor of an anomalous round: its updates there and whether they stood out.
    struct Evidence {
        std::vector<std::uint64_t> rounds;
        std::vector<Digest> updates;
        int seen = 0, outliers = 0;
        double maxZ = 0, maxRatio = 0;
        std::uint64_t maxRound = 0;
    };
    std::map<std::string, Evidence> evidence;
    for (const TraceResult::Anomaly& a : out.anomalies) {
        const RoundAudit& r = *byRound[a.round];
        std::vector<double> norms;
        for (const RoundAudit::Update& u : r.updates)
            norms.push_back(u.norm);
        const std::vector<double> z = modifiedZ(norms);
        std::vector<double> known;
        for (double x : norms)
            if (std::isfinite(x)) known.push_back(x);
        const double med = known.empty() ? 0 : median(known);
        for (std::size_t i = 0; i < r.updates.size(); ++i) {
            Evidence& e = evidence[r.updates[i].node];
            e.rounds.push_back(a.round);
            e.updates.push_back(r.updates[i].digest);
            if (!std::isfinite(z[i])) continue;
            ++e.seen;
            if (z[i] > options.outlierZ) ++e.outliers;
            if (z[i] > e.maxZ || e.seen == 1) {
                e.maxZ = z[i];
                e.maxRatio = med > 0 ? norms[i] / med : 0;
                e.maxRound = a.round;
            }
        }
    }

    // Presence against accuracy change, for those whose updates were never seen.
    bool hidden = false;
    for (auto& [node, e] : evidence) {
        TraceSuspect s;
        s.node = node;
        s.rounds = e.rounds;
        s.updates = e.updates;
        if (e.seen > 0) {
            if (2 * e.outliers <= e.seen) continue;
            s.score = e.maxZ;
            const std::string z = std::isinf(e.maxZ) ? "while most updates were equally long"
                                                     : "robust z " + fixed(e.maxZ, 1);
            s.evidence = "its update stood out in " + std::to_string(e.outliers) + " of " +
                         std::to_string(e.seen) + " anomalous rounds it joined: in round " +
                         std::to_string(e.maxRound) + " it was " + fixed(e.maxRatio, 1) +
                         " times the median update's size (" + z + ")";
            out.suspects.push_back(std::move(s));
            continue;
        }
        hidden = true;
        Moments with, without;
        for (const auto& [n, d] : change) {
            const RoundAudit& r = *byRound[n];
            const bool in =
                std::any_of(r.updates.begin(), r.updates.end(),
                            [&](const RoundAudit::Update& u) { return u.node == node; });
            (in ? with : without).add(d);
        }
        if (with.n < 2 || without.n < 2) continue;
        const double se = std::sqrt(with.variance() / with.n + without.variance() / without.n);
        if (!(se > 0)) continue;
        const double t = (with.mean - without.mean) / se;
        if (t > -options.associationT) continue;
        s.score = -t;
        s.evidence = "rounds with it changed accuracy by " + fixed(100 * with.mean, 1) +
                     " points on average, rounds without it by " + fixed(100 * without.mean, 1) +
                     " (Welch t " + fixed(t, 1) + " over " + std::to_string(int(with.n)) + " and " +
                     std::to_string(int(without.n)) + " rounds)";
        out.suspects.push_back(std::move(s));
    }
    std::sort(out.suspects.begin(), out.suspects.end(),
              [](const TraceSuspect& a, const TraceSuspect& b) {
                  return a.score != b.score ? a.score > b.score : a.node < b.node;
              });
    if (out.suspects.empty())
        out.notes.push_back(
            hidden ? "the updates were hidden (secure aggregation) and no contributor's presence "
                     "goes with the losses beyond chance: more rounds, or rounds without each "
                     "node (partial participation), would tell"
                   : "no contributor's update stood out in most of the anomalous rounds it "
                     "joined: the cause is not one of them, or its updates looked like the others");
    return out;
}

}  // namespace dais::core
