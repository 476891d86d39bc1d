#pragma once
// The entry point of a layer plugin: a shared library that exports one C function,
// `dais_plugin_entry`, returning a DaisPluginEntry whose first member is the layer API version
// the plugin was built against. The registry reads that version before anything else, so a
// plugin built for another API is refused with a message instead of crashing. A plugin defines
// the entry point with the DAIS_PLUGIN macro:
//
//     void registerLayers(dais::core::PluginRegistrar& r) { r.add(gossip::factory()); }
//     DAIS_PLUGIN("gossip", "1.0.0", registerLayers)

#include <cstdint>

#include "dais/core/layer.h"

/// The layer API version. It changes whenever layer.h, services.h or this header change in a
/// way that breaks plugins built before; plugins must be rebuilt then.
#define DAIS_LAYER_API_VERSION 6u

/// The name of the exported entry point.
#define DAIS_PLUGIN_ENTRY_SYMBOL "dais_plugin_entry"

namespace dais::core {

/// What a plugin's register function receives: it adds the plugin's layer factories.
class PluginRegistrar {
  public:
    virtual ~PluginRegistrar() = default;
    virtual void add(LayerFactory factory) = 0;
};

}  // namespace dais::core

extern "C" {

/// What `dais_plugin_entry` returns. Fields after apiVersion are only read when it matches.
struct DaisPluginEntry {
    std::uint32_t apiVersion;
    const char* name;     ///< the plugin's name, for messages
    const char* version;  ///< the plugin's version
    void (*registerLayers)(dais::core::PluginRegistrar* registrar);
};

typedef const DaisPluginEntry* (*DaisPluginEntryFn)(void);
}

/// Defines the plugin's entry point. REGISTER is `void f(dais::core::PluginRegistrar&)`.
#define DAIS_PLUGIN(NAME, VERSION, REGISTER)                                                      \
    extern "C" __attribute__((visibility("default"))) const DaisPluginEntry* dais_plugin_entry(   \
        void) {                                                                                   \
        static const DaisPluginEntry entry{DAIS_LAYER_API_VERSION, NAME, VERSION,                 \
                                           [](dais::core::PluginRegistrar* r) { REGISTER(*r); }}; \
        return &entry;                                                                            \
    }
