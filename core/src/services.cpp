#include "dais/core/services.h"

namespace dais::core {

bool providedByCore(std::string_view id) {
    return id == "payments";
}

bool ServiceRegistry::provide(std::string_view id, Service* service,
                              std::string_view providerLayer) {
    if (!service || find(id, providerLayer) != nullptr) return false;
    auto it = entries_.find(id);
    if (it == entries_.end()) it = entries_.emplace(std::string(id), std::vector<Entry>{}).first;
    it->second.push_back(Entry{service, std::string(providerLayer)});
    return true;
}

Service* ServiceRegistry::find(std::string_view id) const {
    const auto it = entries_.find(id);
    return it == entries_.end() || it->second.empty() ? nullptr : it->second.front().service;
}

Service* ServiceRegistry::find(std::string_view id, std::string_view providerLayer) const {
    const auto it = entries_.find(id);
    if (it == entries_.end()) return nullptr;
    for (const Entry& e : it->second)
        if (e.provider == providerLayer) return e.service;
    return nullptr;
}

std::vector<std::string> ServiceRegistry::providers(std::string_view id) const {
    std::vector<std::string> out;
    if (const auto it = entries_.find(id); it != entries_.end())
        for (const Entry& e : it->second)
            out.push_back(e.provider);
    return out;
}

std::string ServiceRegistry::providerOf(std::string_view id) const {
    const auto it = entries_.find(id);
    return it == entries_.end() || it->second.empty() ? std::string() : it->second.front().provider;
}

}  // namespace dais::core
