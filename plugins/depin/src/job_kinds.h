#pragma once
// The kinds of job a market serves, and the mix its clients submit. Each kind has a profile: its
// work, its data each way, the memory it needs on a provider, its deadline and its priority in a
// queue. "custom" is the job the layer's job_* parameters describe; the others are fixed
// profiles of today's workloads, derived in job_kinds.cpp and the layer's README.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "dais/core/result.h"
#include "dais/sim/time.h"

namespace dais::layers::depin {

enum class JobKind : std::uint8_t { Custom, Inference, Training, Render };
inline constexpr std::size_t kJobKinds = 4;

struct JobProfile {
    double gflop = 0;  // mean work
    std::uint64_t inputBytes = 0, outputBytes = 0;
    double memoryGb = 0;        // a provider with less cannot take it
    sim::SimTime deadline = 0;  // after its arrival; 0: none
    std::uint8_t priority = 1;  // 0 goes first
};

std::string_view kindName(JobKind kind);
/// The fixed profile of a kind (not Custom).
JobProfile profileOf(JobKind kind);

/// Weights of the kinds in the arrivals, normalised to cumulative shares.
struct JobMix {
    std::array<double, kJobKinds> cumulative{};  // share of kinds 0..k together
    bool single = true;                          // one kind only: `only`
    JobKind only = JobKind::Custom;
    /// The kind for a uniform draw u in [0, 1).
    JobKind pick(double u) const;
};

/// Reads "inference:8,render:2" (weights >= 0, at least one > 0; a kind alone, "training",
/// weighs 1). The error names what is wrong in the text.
core::Result<JobMix> parseJobMix(std::string_view text);

}  // namespace dais::layers::depin
