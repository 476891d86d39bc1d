#include "dais/core/version.h"

#include "dais_version_config.h"

namespace dais::core {

std::string_view versionString() {
    return DAIS_VERSION_STRING;
}

}  // namespace dais::core
