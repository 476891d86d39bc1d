// A well-formed plugin with one layer.
#include "dais/core/plugin.h"

namespace {
class Idle final : public dais::core::Layer {
  public:
    void setup(dais::core::LayerContext& ctx) override { ctx.defineMetric("idle.setups"); }
};

dais::core::LayerFactory idleFactory() {
    dais::core::LayerDescriptor d;
    d.id = "idle";
    d.name = "Idle";
    d.version = "2.1.0";
    d.summary = "Does nothing.";
    d.params = {{"level", dais::core::ParamType::Integer, 1, 0.0, 9.0, "", "How idle.", {}}};
    d.metrics = {{"idle.setups", "1", dais::sim::MetricType::Counter,
                  dais::sim::MetricScope::Global, "Always zero."}};
    return {d, [] { return std::unique_ptr<dais::core::Layer>(new Idle()); }};
}

void registerLayers(dais::core::PluginRegistrar& r) {
    r.add(idleFactory());
}
}  // namespace

DAIS_PLUGIN("idle", "2.1.0", registerLayers)
