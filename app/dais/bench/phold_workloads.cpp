#include "phold_workloads.h"

namespace dais::app {

const std::vector<PholdWorkload>& pholdWorkloads() {
    using sim::kSecond;
    static const std::vector<PholdWorkload> configs = {
        {"small", 1'000, 1, 11'000 * kSecond},
        {"large", 1'000'000, 1, 11 * kSecond},
        {"dense", 1'000, 100, 110 * kSecond},
    };
    return configs;
}

}  // namespace dais::app
