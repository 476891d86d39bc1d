// A plugin built for a layer API this build does not provide.
#include "dais/core/plugin.h"

extern "C" __attribute__((visibility("default"))) const DaisPluginEntry* dais_plugin_entry(void) {
    static const DaisPluginEntry entry{DAIS_LAYER_API_VERSION + 1, "future", "9.0.0", nullptr};
    return &entry;
}
