// A plugin whose layer descriptor has mistakes.
#include "dais/core/plugin.h"

namespace {
class Nothing final : public dais::core::Layer {
  public:
    void setup(dais::core::LayerContext&) override {}
};

void registerLayers(dais::core::PluginRegistrar& r) {
    dais::core::LayerDescriptor d;
    d.id = "sloppy";
    d.name = "Sloppy";
    d.version = "1.0.0";
    d.params = {{"rate", dais::core::ParamType::Real, 5, 0.0, 1.0, "1/s", "A rate.", {}}};
    r.add({d, [] { return std::unique_ptr<dais::core::Layer>(new Nothing()); }});
}
}  // namespace

DAIS_PLUGIN("sloppy", "1.0.0", registerLayers)
