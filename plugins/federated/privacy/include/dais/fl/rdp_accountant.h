#pragma once
// Renyi differential privacy (RDP) of the Sampled Gaussian Mechanism, composed over rounds, and
// its conversion to (epsilon, delta)-DP.
//
// The Sampled Gaussian Mechanism (SGM) with sampling rate q and noise multiplier z includes each
// user independently with probability q (Poisson sampling), sums their contributions (each of
// L2 norm at most C) and adds N(0, (z C)^2 I). Its RDP at order alpha > 1 is
//     RDP(alpha) = log(A_alpha) / (alpha - 1),
//     A_alpha = E_{x ~ mu0}[(mu(x) / mu0(x))^alpha],  mu0 = N(0, z^2),  mu1 = N(1, z^2),
//     mu = (1 - q) mu0 + q mu1
// (Mironov, Talwar and Zhang, "Renyi Differential Privacy of the Sampled Gaussian Mechanism",
// 2019). Integer orders use the finite binomial expansion of A_alpha; fractional orders use the
// paper's two convergent series (split at z0 = z^2 log(1/q - 1) + 1/2). Both are summed in log
// space. RDP composes additively over rounds. plugins/federated/privacy/README.md gives the
// mathematics and worked examples.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace dais::fl {

/// The orders tracked by default: 1.1 to 4 in quarters, 4.5 to 8 in halves, every integer from
/// 9 to 64, then 72, 80, 96, 128, 192, 256.
std::vector<double> defaultRdpOrders();

/// RDP at order alpha (> 1) of one round of the SGM with sampling rate q in [0, 1] and noise
/// multiplier z >= 0. q = 0 gives 0; q = 1 gives the Gaussian mechanism's alpha / (2 z^2)
/// exactly; z = 0 with q > 0 gives +infinity. Throws std::invalid_argument on arguments out of
/// range (NaN included).
double sgmRdp(double q, double z, double alpha);

/// sgmRdp at each order.
std::vector<double> sgmRdp(double q, double z, std::span<const double> orders);

/// log(A_alpha) for one round, the quantity the RDP is made of (exposed for tests).
double sgmLogA(double q, double z, double alpha);

/// How an RDP curve is turned into (epsilon, delta)-DP. Both minimise over the tracked orders.
enum class RdpConversion {
    /// epsilon = RDP(alpha) + log(1/delta) / (alpha - 1)  (Mironov 2017, Proposition 3).
    Classic,
    /// epsilon = RDP(alpha) + log((alpha - 1)/alpha) - (log(delta) + log(alpha)) / (alpha - 1)
    /// (Balle, Barthe, Gaboardi, Hsu and Sato 2020; Canonne, Kamath and Steinke 2020). Never
    /// larger than Classic.
    Improved,
};

/// A short identifier for metrics and files: "classic" or "improved".
std::string_view conversionId(RdpConversion conversion);
/// The conversion's full name with its reference, for reports.
std::string_view conversionName(RdpConversion conversion);

/// The privacy spent, as reported: epsilon for delta, the order that attains it and the
/// conversion used.
struct PrivacySpent {
    double epsilon = 0;  ///< >= 0; +infinity when no order gives a finite bound
    double delta = 0;
    double order = 0;  ///< the minimising order; NaN when epsilon is infinite or nothing was spent
    RdpConversion conversion = RdpConversion::Improved;
    std::string_view conversionName;  ///< conversionName(conversion)
};

/// Converts an RDP curve (rdp[i] at orders[i], all orders > 1) to (epsilon, delta) with delta in
/// (0, 1). Throws std::invalid_argument on mismatched sizes or arguments out of range.
PrivacySpent rdpToEpsilon(std::span<const double> orders, std::span<const double> rdp, double delta,
                          RdpConversion conversion = RdpConversion::Improved);

/// The accountant the federation keeps: the RDP curve of every round so far, added up.
/// step() is called once per round with that round's sampling rate and noise multiplier (both
/// may change between rounds); epsilon() may be asked at any time. The state saves to text
/// and restores bit for bit.
class RdpAccountant {
  public:
    explicit RdpAccountant(std::vector<double> orders = defaultRdpOrders());

    /// Adds `rounds` rounds of the SGM with sampling rate q and noise multiplier z.
    void step(double q, double z, std::uint64_t rounds = 1);

    PrivacySpent epsilon(double delta, RdpConversion conversion = RdpConversion::Improved) const;

    const std::vector<double>& orders() const { return orders_; }
    /// The composed RDP at each order.
    const std::vector<double>& rdp() const { return rdp_; }
    /// Rounds accounted so far.
    std::uint64_t rounds() const { return rounds_; }

    /// The state as text: a header line, the round count, then one line per order with the
    /// order and its RDP as IEEE-754 bit patterns in hexadecimal (exact).
    std::string save() const;
    /// Restores a state written by save(). Throws std::invalid_argument naming the line and
    /// what was wrong when the text is not such a state.
    static RdpAccountant restore(std::string_view text);

    friend bool operator==(const RdpAccountant& a, const RdpAccountant& b) {
        return a.rounds_ == b.rounds_ && a.orders_ == b.orders_ && a.rdp_ == b.rdp_;
    }

  private:
    std::vector<double> orders_;
    std::vector<double> rdp_;
    std::uint64_t rounds_ = 0;
    // The last (q, z) and its one-round RDP: rounds with unchanged settings cost one addition
    // per order.
    double cachedQ_ = -1, cachedZ_ = -1;
    std::vector<double> cachedStep_;
};

}  // namespace dais::fl
