#pragma once
// The dais commands that live in their own files; each takes the words after its name and
// returns an exit code (cli.h).

#include "cli.h"

namespace dais::app {

/// `dais layers [ID] [--json]`: the installed layers, their parameters and metrics, and
/// plugins that failed to load.
int commandLayers(Args& args);
extern const char* const kLayersHelp;

}  // namespace dais::app
