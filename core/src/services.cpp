#include "dais/core/services.h"

namespace dais::core {

bool providedByCore(std::string_view id) {
    return id == "payments";
}

bool ServiceRegistry::provide(std::string_view id, Service* service,
                              std::string_view providerLayer) {
    if (!service || entries_.find(id) != entries_.end()) return false;
    entries_.emplace(std::string(id), Entry{service, std::string(providerLayer)});
    return true;
}

Service* ServiceRegistry::find(std::string_view id) const {
    const auto it = entries_.find(id);
    return it == entries_.end() ? nullptr : it->second.service;
}

std::string ServiceRegistry::providerOf(std::string_view id) const {
    const auto it = entries_.find(id);
    return it == entries_.end() ? std::string() : it->second.provider;
}

}  // namespace dais::core
