#include "recording_store.h"

namespace dais::app {

core::Result<std::unique_ptr<store::RunStore>> openRecordingStore(const std::string& path) {
    const bool byDefault = path.empty();
    store::StoreOptions options;
    options.createDirectories = byDefault;
    auto opened = store::RunStore::open(byDefault ? store::defaultStorePath() : path, options);
    if (!opened) return core::Error{opened.error().message + " (--no-store runs without storing)"};
    return std::move(opened).value();
}

}  // namespace dais::app
