#include "dais/core/layer_definition.h"

namespace dais::core {

TableDeclaration& TableDeclaration::add(std::string name, ColumnType type, std::string unit,
                                        std::string help) {
    spec().columns.push_back(ColumnSpec{std::move(name), type, std::move(unit), std::move(help)});
    return *this;
}

TableDeclaration& TableDeclaration::key(std::string_view column) {
    // A name it does not have is reported by checkDescriptor().
    spec().key = spec().column(column).value_or(static_cast<std::size_t>(-1));
    return *this;
}

TableDeclaration& TableDeclaration::parent(std::string_view column) {
    spec().parent = spec().column(column).value_or(static_cast<std::size_t>(-1));
    return *this;
}

}  // namespace dais::core

namespace dais::core::detail {

LayerDefinitionBase::LayerDefinitionBase(std::string id, std::string name, std::string version) {
    descriptor_.id = std::move(id);
    descriptor_.name = std::move(name);
    descriptor_.version = std::move(version);
}

ParamSpec& LayerDefinitionBase::addParam(std::string name, ParamType type, nlohmann::json def,
                                         std::string unit, std::string help, bool attribute) {
    ParamSpec p;
    p.name = std::move(name);
    p.type = type;
    p.defaultValue = std::move(def);
    p.unit = std::move(unit);
    p.help = std::move(help);
    std::vector<ParamSpec>& to = attribute ? descriptor_.attributes : descriptor_.params;
    to.push_back(std::move(p));
    return to.back();
}

void LayerDefinitionBase::addMetric(std::string name, sim::MetricType type, sim::MetricScope scope,
                                    std::string unit, std::string help) {
    descriptor_.metrics.push_back(
        MetricSpec{std::move(name), std::move(unit), type, scope, std::move(help)});
}

sim::MetricId LayerDefinitionBase::define(LayerContext& ctx, const MetricSpec& m) {
    return ctx.simulation().metrics().define(
        sim::MetricInfo{m.name, m.unit, m.help, m.type, m.scope});
}

}  // namespace dais::core::detail
