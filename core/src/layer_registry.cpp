#include "dais/core/layer_registry.h"

#include <dlfcn.h>

#include <algorithm>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <system_error>

#include "dais/core/plugin.h"
#include "json_util.h"

namespace dais::core {

namespace fs = std::filesystem;
using detail::quote;

LayerRegistry::LayerRegistry() = default;

// Plugin libraries are never unloaded: layer objects, descriptors' code and exception types
// from them may be in use anywhere until the process ends.
LayerRegistry::~LayerRegistry() = default;

namespace {

/// The folder of the library that holds this function (libdais_core).
std::string coreLibraryFolder() {
    Dl_info info{};
    if (dladdr(reinterpret_cast<void*>(&coreLibraryFolder), &info) == 0 || !info.dli_fname)
        return {};
    std::error_code ec;
    const fs::path lib = fs::weakly_canonical(fs::path(info.dli_fname), ec);
    return ec ? std::string() : lib.parent_path().string();
}

class Registrar final : public PluginRegistrar {
  public:
    Registrar(LayerRegistry& registry, std::string origin, LayerRegistry::LoadReport& report)
        : registry_(registry), origin_(std::move(origin)), report_(report) {}
    void add(LayerFactory factory) override {
        const std::string id = factory.descriptor.id;
        if (Result<void> r = registry_.add(std::move(factory), origin_); !r) {
            problems.push_back(r.error().message);
            return;
        }
        report_.layers.push_back(id);
    }
    std::vector<std::string> problems;

  private:
    LayerRegistry& registry_;
    std::string origin_;
    LayerRegistry::LoadReport& report_;
};

}  // namespace

std::vector<std::string> LayerRegistry::pluginFolders() {
    std::vector<std::string> folders;
    if (const char* env = std::getenv("DAIS_PLUGIN_PATH"); env && *env) {
        std::string_view rest(env);
        while (!rest.empty()) {
            const auto colon = rest.find(':');
            const std::string_view part = rest.substr(0, colon);
            if (!part.empty()) folders.emplace_back(part);
            if (colon == std::string_view::npos) break;
            rest.remove_prefix(colon + 1);
        }
    }
    if (const std::string lib = coreLibraryFolder(); !lib.empty())
        folders.push_back((fs::path(lib) / "dais" / "plugins").string());
    return folders;
}

const LayerRegistry& LayerRegistry::installed() {
    static const LayerRegistry* const registry = [] {
        auto* r = new LayerRegistry();  // lives as long as the process, like its plugins
        for (const std::string& folder : pluginFolders())
            r->loadFolder(folder);
        return r;
    }();
    return *registry;
}

Result<void> LayerRegistry::add(LayerFactory factory, std::string origin) {
    const std::string id = factory.descriptor.id;
    if (const std::vector<std::string> problems = checkDescriptor(factory.descriptor);
        !problems.empty()) {
        std::string message = "layer " + quote(id) + " from " + origin + " is invalid:";
        for (const std::string& p : problems)
            message += "\n  " + p;
        return Error{message};
    }
    if (!factory.create)
        return Error{"layer " + quote(id) + " from " + origin + " has no create function"};
    const auto it = std::lower_bound(
        entries_.begin(), entries_.end(), id,
        [](const Entry& e, const std::string& key) { return e.factory->descriptor.id < key; });
    if (it != entries_.end() && it->factory->descriptor.id == id)
        return Error{"layer " + quote(id) + " from " + origin + " is ignored: it is already " +
                     "installed from " + it->origin};
    entries_.insert(it,
                    Entry{std::make_unique<LayerFactory>(std::move(factory)), std::move(origin)});
    return {};
}

LayerRegistry::LoadReport LayerRegistry::loadPlugin(const std::string& file) {
    LoadReport report;
    report.file = file;
    auto fail = [&](std::string message) {
        report.ok = false;
        report.message = std::move(message);
        reports_.push_back(report);
        return report;
    };
    std::error_code ec;
    if (!fs::exists(file, ec)) return fail("no such file");
    if (fs::is_directory(file, ec)) return fail("is a directory, not a plugin library");

    dlerror();
    void* handle = dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        const char* why = dlerror();
        std::string text = why ? why : "unknown reason";
        // dlerror() starts with the path; the report already names the file.
        if (text.rfind(file + ": ", 0) == 0) text.erase(0, file.size() + 2);
        return fail("cannot be loaded: " + text);
    }
    handles_.push_back(handle);
    dlerror();
    void* symbol = dlsym(handle, DAIS_PLUGIN_ENTRY_SYMBOL);
    if (!symbol)
        return fail("is not a DAIS layer plugin: it does not export " DAIS_PLUGIN_ENTRY_SYMBOL
                    "() (define it with the DAIS_PLUGIN macro of dais/core/plugin.h)");
    const auto entryFn = reinterpret_cast<DaisPluginEntryFn>(symbol);
    const DaisPluginEntry* entry = entryFn();
    if (!entry) return fail(DAIS_PLUGIN_ENTRY_SYMBOL "() returned nothing");
    if (entry->apiVersion != DAIS_LAYER_API_VERSION)
        return fail("was built for layer API " + std::to_string(entry->apiVersion) +
                    ", but this DAIS provides layer API " + std::to_string(DAIS_LAYER_API_VERSION) +
                    ": rebuild the plugin against this version of DAIS");
    if (!entry->registerLayers) return fail("its entry point has no register function");
    const std::string name = entry->name ? entry->name : "?";
    const std::string version = entry->version ? entry->version : "?";

    Registrar registrar(*this, file, report);
    try {
        entry->registerLayers(&registrar);
    } catch (const std::exception& e) {
        return fail("failed while registering its layers: " + std::string(e.what()));
    } catch (...) {
        return fail("failed while registering its layers (unknown exception)");
    }
    if (!registrar.problems.empty()) {
        std::string message;
        for (const std::string& p : registrar.problems)
            message += (message.empty() ? "" : "\n") + p;
        report.ok = !report.layers.empty();
        report.message = "plugin " + name + " " + version + ": " + message;
        reports_.push_back(report);
        return report;
    }
    if (report.layers.empty()) return fail("plugin " + name + " " + version + " adds no layers");
    report.ok = true;
    report.message = "plugin " + name + " " + version;
    reports_.push_back(report);
    return report;
}

std::vector<LayerRegistry::LoadReport> LayerRegistry::loadFolder(const std::string& folder) {
    std::vector<LoadReport> out;
    std::error_code ec;
    if (!fs::is_directory(folder, ec)) return out;
    std::vector<std::string> files;
    for (const fs::directory_entry& e : fs::directory_iterator(folder, ec))
        if (e.path().extension() == ".so") files.push_back(e.path().string());
    std::sort(files.begin(), files.end());
    for (const std::string& f : files)
        out.push_back(loadPlugin(f));
    return out;
}

const LayerFactory* LayerRegistry::find(std::string_view id) const {
    for (const Entry& e : entries_)
        if (e.factory->descriptor.id == id) return e.factory.get();
    return nullptr;
}

std::string LayerRegistry::originOf(std::string_view id) const {
    for (const Entry& e : entries_)
        if (e.factory->descriptor.id == id) return e.origin;
    return {};
}

std::vector<const LayerFactory*> LayerRegistry::layers() const {
    std::vector<const LayerFactory*> out;
    for (const Entry& e : entries_)
        out.push_back(e.factory.get());
    return out;
}

std::vector<std::string> LayerRegistry::ids() const {
    std::vector<std::string> out;
    for (const Entry& e : entries_)
        out.push_back(e.factory->descriptor.id);
    return out;
}

}  // namespace dais::core
