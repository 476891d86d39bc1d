#pragma once
// Result<T> and Error, as core and everything above it name them (see dais/sim/result.h).

#include "dais/sim/result.h"

namespace dais::core {

using sim::Error;
using sim::Result;  // the same template, so code using both namespaces sees one name

}  // namespace dais::core
