#pragma once
// A federated-learning checkpoint file (checkpoint_every, resume_from) read into its fields,
// with no federation around it: the reader that resume_from uses, which takes any bytes and
// never throws. What the fields mean, and the format, are described in src/checkpoint.cpp; the
// fields are checked here only as bytes (the server state, the accountant and the summaries
// are decoded, and fitted to the run, when a federation resumes from them).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "dais/core/result.h"
#include "dais/sim/time.h"

namespace dais::layers::federated {

/// One checkpoint, as written by the federation.
struct Checkpoint {
    std::string layerVersion;  ///< the version of the layer that wrote it
    std::uint64_t seed = 0;    ///< the run's seed
    std::uint64_t round = 0;   ///< the rounds done
    sim::SimTime at = 0;       ///< when the next round starts
    bool targetReached = false;
    std::string parameters;   ///< the layer's parameters, as JSON text
    std::string serverState;  ///< fl::encodeState bytes
    std::string accountant;   ///< fl::RdpAccountant::save text; empty without DP
    struct Metric {
        std::string name;
        double value = 0;
        std::string summary;  ///< sim::Summary::encode bytes
    };
    std::vector<Metric> metrics;
};

/// The format number this version writes and reads.
inline constexpr std::uint32_t kCheckpointFormat = 1;

/// Reads the bytes of a checkpoint file: its magic, checksum, format number and fields, which
/// must fill the file exactly, and a time a run can start its next round at. The error says what is
/// wrong ("not a federated-learning checkpoint", "the file is damaged (its checksum does not
/// match)", ...).
core::Result<Checkpoint> readCheckpoint(std::string_view bytes);

/// The checksum a checkpoint file ends with (8 bytes, little-endian): FNV-1a 64 of every byte
/// before it.
std::uint64_t checkpointChecksum(std::string_view body);

}  // namespace dais::layers::federated
