#pragma once
// `dais run --trace`: the run's trace records on stderr as they happen.

#include <string>
#include <string_view>
#include <vector>

#include "dais/sim/network.h"
#include "dais/sim/observer.h"

namespace dais::app {

/// Prints trace records on stderr as the run makes them, one line each: simulated time, node,
/// category and text. Records made while the layers set up, before the network's names are
/// known, wait until nameNodes() is called.
class TracePrinter final : public sim::Observer {
  public:
    /// `categories`: a comma-separated list of categories ("federated,net"), or "all".
    explicit TracePrinter(const std::string& categories);
    /// Categories asked for that no record of this scenario can have: every one but "all",
    /// the network's faults and the ids of `layers` (the scenario's enabled layers).
    std::vector<std::string> unknownCategories(const std::vector<std::string>& layers) const;
    /// The network whose node names the lines show; prints the records held until now.
    void nameNodes(const sim::Network& network);
    void onTrace(const sim::TraceRecord& r) override;

  private:
    struct Held {
        sim::SimTime time;
        sim::TargetId node;
        std::string category, text;
    };
    void print(sim::SimTime t, sim::TargetId node, std::string_view category,
               std::string_view text) const;

    std::vector<std::string> categories_;
    bool all_ = false;
    const sim::Network* network_ = nullptr;
    std::vector<Held> held_;
};

}  // namespace dais::app
