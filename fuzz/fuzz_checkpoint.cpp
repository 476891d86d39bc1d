// Fuzz target: a federated-learning checkpoint file, as resume_from reads it. The bytes are the
// file: read by the layer's reader (readCheckpoint). The same bytes with their checksum made
// right are read again, so that the fields behind the checksum are reached too, and their parts
// decoded as a resume decodes them (the server state, the privacy accountant, the metric
// summaries, the parameters). When they read as a checkpoint, the federation of
// fuzz/checkpoint.dais.json is set up resuming from them (no events run).
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <exception>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "dais/core/layer_registry.h"
#include "dais/core/scenario.h"
#include "dais/core/scenario_run.h"
#include "dais/fl/rdp_accountant.h"
#include "dais/fl/strategy.h"
#include "dais/layers/federated.h"
#include "dais/layers/federated_checkpoint.h"
#include "dais/sim/metrics.h"
#include "fuzz_files.h"

namespace {

using namespace dais;
namespace federated = dais::layers::federated;

/// Decodes the parts of a checkpoint as a resume does, and uses what they hold. What decodes
/// must also encode again and decode to the same (the formats promise exact round trips).
void decodeParts(const federated::Checkpoint& c) {
    try {
        const fl::ServerState state = fl::decodeState(c.serverState);
        if (!(fl::decodeState(fl::encodeState(state)) == state)) std::abort();
    } catch (const std::exception&) {
    }
    if (!c.accountant.empty()) {
        try {
            const fl::RdpAccountant accountant = fl::RdpAccountant::restore(c.accountant);
            (void)accountant.epsilon(1e-5);
            if (!(fl::RdpAccountant::restore(accountant.save()) == accountant)) std::abort();
        } catch (const std::exception&) {
        }
    }
    for (const federated::Checkpoint::Metric& m : c.metrics) {
        sim::Summary s;
        if (!s.decode(m.summary)) continue;
        (void)s.quantile(0.5);
        (void)s.quantile(0.99);
        (void)s.stddev();
        const std::string encoded = s.encode();
        sim::Summary again;
        if (!again.decode(encoded) || again.encode() != encoded) std::abort();
        sim::Summary merged;
        merged.merge(s);
        (void)merged.quantile(0.5);
    }
    // A fork lists what it changed: each parameter's value as the checkpoint had it.
    const nlohmann::json parameters = nlohmann::json::parse(c.parameters, nullptr, false);
    if (parameters.is_object())
        for (const auto& [name, value] : parameters.items())
            (void)value.dump();
}

/// A registry with the federated layer, linked in.
const core::LayerRegistry& layers() {
    static const core::LayerRegistry* const registry = [] {
        auto* r = new core::LayerRegistry();
        if (!r->add(federated::factory()).ok()) std::abort();
        return r;
    }();
    return *registry;
}

/// Sets up the federation of fuzz/checkpoint.dais.json resuming from `bytes`.
void resume(std::string_view bytes) {
    const std::filesystem::path file = fuzz::scratchFolder() / "checkpoint.dflck";
    fuzz::writeFile(file, bytes);
    const core::Result<core::Scenario> scenario =
        core::loadScenarioFile(std::string(DAIS_FUZZ_SOURCE_DIR) + "/fuzz/checkpoint.dais.json",
                               {"layers.federated.resume_from=" + file.string()}, &layers());
    if (!scenario) {
        std::fprintf(stderr, "%s\n", scenario.error().message.c_str());
        std::abort();
    }
    (void)core::ScenarioRun::prepare(*scenario);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    if (const auto c = federated::readCheckpoint(bytes)) decodeParts(*c);

    // The same bytes with the right checksum.
    if (size < 16) return 0;
    std::string fixed(bytes);
    const std::uint64_t sum =
        federated::checkpointChecksum(std::string_view(fixed).substr(0, size - 8));
    std::memcpy(fixed.data() + size - 8, &sum, 8);
    const auto c = federated::readCheckpoint(fixed);
    if (!c) return 0;
    decodeParts(*c);
    resume(fixed);
    return 0;
}
