// The kinds' profiles, each from a published model size and the usual FLOP counts:
// - inference: one request to a 7-billion-parameter language model, 512 tokens in and out. A
//   forward pass costs about 2 FLOPs a parameter a token (Kaplan et al., "Scaling Laws for Neural
//   Language Models", 2020): 2 x 7e9 x 512 = 7.2 TFLOP. Its weights in 16-bit take 14 GB, so it
//   needs 16 GB; a few kB of text each way; an answer is due within 10 s; it goes first.
// - training: one optimiser step of a 1-billion-parameter model on a batch of 500,000 tokens,
//   6 FLOPs a parameter a token (forward and backward, same source): 3 PFLOP; the batch in
//   (about 2 MB of token ids), the updated weights out in 16-bit (2 GB); 16 bytes a parameter for
//   weights, gradients and Adam state in mixed precision (Rajbhandari et al., "ZeRO", 2020): 16 GB
//   plus activations, 24 GB; due within an hour; it goes last.
// - render: one frame of a production scene (a path-traced frame of several hundred TFLOP; 300
//   taken here), its scene in (500 MB) and the frame out (50 MB), 12 GB of scene on the device,
//   due within 15 minutes; between the two.
#include "job_kinds.h"

#include <charconv>
#include <cmath>

namespace dais::layers::depin {

std::string_view kindName(JobKind kind) {
    switch (kind) {
        case JobKind::Inference:
            return "inference";
        case JobKind::Training:
            return "training";
        case JobKind::Render:
            return "render";
        case JobKind::Custom:
            break;
    }
    return "custom";
}

JobProfile profileOf(JobKind kind) {
    switch (kind) {
        case JobKind::Inference:
            return {7.2e3, 4'000, 4'000, 16, 10 * sim::kSecond, 0};
        case JobKind::Training:
            return {3e6, 2'000'000, 2'000'000'000, 24, 3600 * sim::kSecond, 2};
        case JobKind::Render:
            return {3e5, 500'000'000, 50'000'000, 12, 900 * sim::kSecond, 1};
        case JobKind::Custom:
            break;
    }
    return {};
}

JobKind JobMix::pick(double u) const {
    if (single) return only;
    for (std::size_t k = 0; k + 1 < kJobKinds; ++k)
        if (u < cumulative[k]) return static_cast<JobKind>(k);
    return static_cast<JobKind>(kJobKinds - 1);
}

core::Result<JobMix> parseJobMix(std::string_view text) {
    std::array<double, kJobKinds> weight{};
    std::size_t at = 0;
    bool any = false;
    while (at <= text.size()) {
        std::size_t end = text.find(',', at);
        if (end == std::string_view::npos) end = text.size();
        std::string_view item = text.substr(at, end - at);
        while (!item.empty() && item.front() == ' ')
            item.remove_prefix(1);
        while (!item.empty() && item.back() == ' ')
            item.remove_suffix(1);
        const std::size_t colon = item.find(':');
        const std::string_view name = item.substr(0, colon);
        double w = 1;
        if (colon != std::string_view::npos) {
            const std::string_view number = item.substr(colon + 1);
            const auto [ptr, ec] = std::from_chars(number.data(), number.data() + number.size(), w);
            if (ec != std::errc() || ptr != number.data() + number.size() || !std::isfinite(w) ||
                w < 0)
                return core::Error{"\"" + std::string(item) +
                                   "\": a weight is a number >= 0 after the colon"};
        }
        bool known = false;
        for (std::size_t k = 0; k < kJobKinds; ++k)
            if (kindName(static_cast<JobKind>(k)) == name) {
                weight[k] += w;
                known = true;
            }
        if (!known)
            return core::Error{"\"" + std::string(name) +
                               "\" is not a job kind (custom, inference, training, render)"};
        any = any || w > 0;
        at = end + 1;
    }
    if (!any) return core::Error{"no kind has a weight above 0"};
    JobMix mix;
    double total = 0;
    std::size_t kinds = 0;
    for (std::size_t k = 0; k < kJobKinds; ++k) {
        total += weight[k];
        if (weight[k] > 0) {
            ++kinds;
            mix.only = static_cast<JobKind>(k);
        }
    }
    mix.single = kinds == 1;
    double sum = 0;
    for (std::size_t k = 0; k < kJobKinds; ++k) {
        sum += weight[k];
        mix.cumulative[k] = sum / total;
    }
    return mix;
}

}  // namespace dais::layers::depin
