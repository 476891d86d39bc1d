#pragma once
// The installed layers. A registry holds layer factories: added directly (tests, programs that
// link layers statically) or loaded from plugin libraries. installed() is the process-wide
// registry that programs use: it loads every plugin from the folders in DAIS_PLUGIN_PATH
// (colon-separated) and from lib/dais/plugins beside the program, once, on first use. A plugin
// that fails to load is reported, with its file and the reason, and the others still load.

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "dais/core/layer.h"
#include "dais/core/result.h"

namespace dais::core {

class LayerRegistry {
  public:
    /// The outcome of loading one plugin file.
    struct LoadReport {
        std::string file;
        bool ok = false;
        std::string message;              ///< why it failed, or the plugin's name and version
        std::vector<std::string> layers;  ///< ids of the layers it added
    };

    LayerRegistry();
    ~LayerRegistry();
    LayerRegistry(const LayerRegistry&) = delete;
    LayerRegistry& operator=(const LayerRegistry&) = delete;

    /// The registry of this process's installed layers (loaded on first use; thread-safe).
    static const LayerRegistry& installed();
    /// The folders installed() searches, in order.
    static std::vector<std::string> pluginFolders();

    /// Adds a layer. Refused (with the reason) when its descriptor has problems or another
    /// layer already has its id. `origin` says where it came from, for messages.
    Result<void> add(LayerFactory factory, std::string origin = "built in");
    /// Loads one plugin library.
    LoadReport loadPlugin(const std::string& file);
    /// Loads every `*.so` file of a folder, in name order. A missing folder loads nothing.
    std::vector<LoadReport> loadFolder(const std::string& folder);

    /// The layer with this id, or nullptr.
    const LayerFactory* find(std::string_view id) const;
    /// Where a layer came from (a plugin file, or "built in").
    std::string originOf(std::string_view id) const;
    /// Every layer, in id order.
    std::vector<const LayerFactory*> layers() const;
    std::vector<std::string> ids() const;
    /// Every load attempt so far, in order.
    const std::vector<LoadReport>& loadReports() const { return reports_; }

  private:
    struct Entry {
        std::unique_ptr<LayerFactory> factory;
        std::string origin;
    };
    std::vector<Entry> entries_;  // sorted by id
    std::vector<LoadReport> reports_;
    std::vector<void*> handles_;  // plugin libraries stay loaded while the registry lives
};

}  // namespace dais::core
