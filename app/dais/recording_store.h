#pragma once
// The run store that `dais run` and `dais sweep` record into: the one named by --store, else
// the default one (its folder created when needed).

#include <memory>
#include <string>

#include "dais/core/result.h"
#include "dais/store/run_store.h"

namespace dais::app {

/// Opens `path` for writing (empty: the default store). The error says how to run without a
/// store; the commands map it to kExitBadInput.
core::Result<std::unique_ptr<store::RunStore>> openRecordingStore(const std::string& path);

}  // namespace dais::app
