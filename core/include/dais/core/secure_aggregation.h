#pragma once
// The secure-aggregation service: many parties' vectors summed so that the server learns the sum
// and nothing about any one of them.
//
// A session is one sum. The server opens it with its parties, the fewest inputs whose sum may be
// revealed (the threshold), a deadline and a fixed-point scale; each party submits its own input
// when it has it, at that simulated time and from its node (the input then travels, masked, in
// the provider's messages, not the caller's); the provider runs its protocol over the network
// (keys, masked inputs, unmasking), says as each party's input reaches the server or the party
// drops out (the progress callback), and calls the collect callback once: with the sum
// over the parties whose input made it through, or with an abort that reveals nothing when fewer
// than the threshold did. Values travel as integers in the provider's ring, round(v * scale), so
// the sum equals the plain sum of the rounded values exactly.

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "dais/core/result.h"
#include "dais/core/services.h"
#include "dais/sim/network.h"
#include "dais/sim/time.h"

namespace dais::core {

class SecureAggregator : public Service {
  public:
    static constexpr std::string_view kId = "secure-aggregation";
    using SessionId = std::uint64_t;

    struct Session {
        sim::NodeIndex server = 0;
        std::vector<sim::NodeIndex> parties;  ///< who may submit, once each, distinct
        std::size_t length = 0;               ///< values in every input, >= 1
        /// The fewest inputs whose sum may be revealed, 1..parties.size(): with fewer the session
        /// aborts. It is also the protocol's collusion bound: fewer colluding parties (with the
        /// server) learn nothing about an honest party's input.
        std::size_t threshold = 1;
        /// Inputs not submitted by then are left out (the provider may need protocol time after
        /// it, to unmask). kTimeNever: the server closes the session itself.
        sim::SimTime deadline = sim::kTimeNever;
        /// Fixed point: v travels as round(v * scale); the sum is exact up to 0.5 / scale per
        /// value and input. A larger scale needs a wider ring; > 0.
        double scale = 1 << 20;
        /// Optional: hears that a party's input reached the server (true), or that the party
        /// dropped out before it could (false): the server learns who contributed, as the
        /// protocol lets it, never what. Once per party at most, never inside open() or
        /// submit(), on the run's thread.
        std::function<void(sim::NodeIndex party, bool arrived)> progress;
    };

    enum class Outcome : std::uint8_t {
        Revealed,  ///< the sum over `included`
        Aborted,   ///< fewer inputs than the threshold: nothing revealed
    };

    /// What a session ends with.
    struct Sum {
        SessionId session = 0;
        Outcome outcome = Outcome::Aborted;
        std::vector<double> values;            ///< the sum, dequantised; empty when aborted
        std::vector<sim::NodeIndex> included;  ///< parties whose input is in the sum
        /// Parties whose input is not: never submitted, or dropped out during the protocol.
        std::vector<sim::NodeIndex> dropped;
        sim::SimTime finishedAt = 0;
        std::uint64_t bytesPerParty = 0;  ///< protocol traffic per party, beyond its input
        std::string reason;               ///< why it aborted
    };
    using Collect = std::function<void(const Sum&)>;

    /// Opens a session; `collect` is called once, on the run's thread, when it ends. A session
    /// that cannot be (no parties, a party twice, length 0, a threshold outside 1..parties, a
    /// scale <= 0, a deadline before now) is refused with the reason.
    virtual Result<SessionId> open(const Session& session, Collect collect) = 0;
    /// Party `party` submits its input (copied). Refused: an unknown or ended session, not one
    /// of its parties, a second input, a length other than the session's.
    virtual Result<void> submit(SessionId session, sim::NodeIndex party,
                                std::span<const double> input) = 0;
    /// The server stops waiting before the deadline (every input it expects is in): the
    /// protocol goes on with the inputs submitted so far. False for an unknown or ended session.
    virtual bool close(SessionId session) = 0;
};

/// Checks a session as every provider must before opening it: the problem, or "".
std::string sessionProblem(const SecureAggregator::Session& s, sim::SimTime now);

}  // namespace dais::core
