// The scenario's endowments, minted at the start of a run.
#include "endowments.h"

#include <string>
#include <vector>

namespace dais::core::detail {

namespace {

/// The nodes one endowment names, in the order it names them.
std::vector<sim::NodeIndex> nodesOf(const PaymentsSpec::Endowment& e, const sim::Network& network) {
    std::vector<sim::NodeIndex> nodes;
    if (!e.role.empty()) {
        for (sim::NodeIndex i = 0; i < network.nodeCount(); ++i)
            if (network.role(i) == e.role) nodes.push_back(i);
        return nodes;
    }
    for (const std::string& name : e.nodes) {
        if (const sim::GroupIndex g = network.findGroup(name); g != sim::kNone) {
            const sim::GroupView group = network.group(g);
            for (std::uint32_t k = 0; k < group.count; ++k)
                nodes.push_back(group.first + k);
        } else if (const sim::NodeIndex n = network.findNode(name); n != sim::kNone) {
            nodes.push_back(n);
        }
    }
    return nodes;
}

}  // namespace

Result<void> mintEndowments(Payments& payments, const PaymentsSpec& spec,
                            const sim::Network& network) {
    for (const PaymentsSpec::Endowment& e : spec.endowments) {
        auto refused = [&](const Error& why) { return Error{e.pointer + ": " + why.message}; };
        if (!e.account.empty()) {
            if (auto r = payments.mint(payments.systemAccount(e.account), e.amount, "endowment");
                !r)
                return refused(r.error());
            continue;
        }
        for (sim::NodeIndex n : nodesOf(e, network))
            if (auto r = payments.mint(payments.nodeAccount(n), e.amount, "endowment"); !r)
                return refused(r.error());
    }
    return {};
}

}  // namespace dais::core::detail
