#pragma once
// What the accounts of a run hold at the start: the scenario's "payments" endowments minted into
// whichever payments service the run has. Internal to dais_core.

#include "dais/core/payments.h"
#include "dais/core/result.h"
#include "dais/core/scenario.h"
#include "dais/sim/network.h"

namespace dais::core::detail {

/// Mints every endowment of `spec` into `payments`, with the reason "endowment", in the order
/// the scenario lists them; the nodes they name are found in `network` (node ids, members,
/// group ids, roles). The first movement refused ends it with an error naming the endowment
/// ("/payments/endowments/2: ...").
Result<void> mintEndowments(Payments& payments, const PaymentsSpec& spec,
                            const sim::Network& network);

}  // namespace dais::core::detail
